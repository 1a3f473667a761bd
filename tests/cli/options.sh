#!/usr/bin/env bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# seedance options read by the library's option layer, as every front end
# reads them: booleans in any case, fractional timeouts, the key file (its
# first line, blanks and CR removed), SEEDANCE_* variables under the command
# line, the shorthands; and the help made from the command table.
. "$(dirname "$0")/../lib.sh"
SD=$BIN/seedance
emu_start

journal_entries() { ls "$T/cache/journal/" 2>/dev/null | grep -c '\.json$'; }

# --- booleans: 1/0, true/false, yes/no, on/off in any case
"$SD" submit "booleans" --generate-audio FALSE --content_filter Off --web-search YES -q >"$T/out"
is "$?" 0 "booleans in capitals: exit status 0"
req=$(emu_task "$(cat "$T/out")")
is "$(json_get "$req" .request.generate_audio)" false "--generate-audio FALSE"
is "$(json_get "$req" .request.content_filter)" false "--content_filter Off"
is "$(json_get "$req" .request.model_params.web_search)" true "--web-search YES"
n=$(journal_entries)
"$SD" submit "no journal" --cache NO -q >/dev/null
is "$?" 0 "--cache NO: exit status 0"
is "$(journal_entries)" "$n" "--cache NO: no journal entry"
SEEDANCE_CACHE=Off "$SD" submit "no journal from the environment" -q >/dev/null
is "$(journal_entries)" "$n" "SEEDANCE_CACHE=Off: no journal entry"
SEEDANCE_CACHE=Off "$SD" submit "the command line over the environment" --cache On -q >/dev/null
is "$(journal_entries)" "$((n + 1))" "SEEDANCE_CACHE=Off --cache On: a journal entry"
first=$("$SD" submit "pay twice" -q)
s0=$(emu_stat submits)
is "$("$SD" submit "pay twice" --new-generation No -q)" "$first" "--new-generation No: the same task"
isnt "$("$SD" submit "pay twice" --new-generation TRUE -q)" "$first" "--new-generation TRUE: a new task"
isnt "$("$SD" submit "pay twice" --new -q)" "$first" "--new: a new task"
is "$(emu_stat submits)" "$((s0 + 2))" "--new-generation and --new: one submit each"
"$SD" submit "x" --cache perhaps >"$T/out" 2>"$T/err"
is "$?" 2 "--cache perhaps: exit status 2"
like "$(head -n 1 "$T/err")" "^seedance: cache: 'perhaps'.*(1/0|true/false|yes/no)" \
    "--cache perhaps: the library's message with option, value and what is allowed"

# --- --cache is an option of its own, not an abbreviation of --cache-dir
mkdir -p "$T/cwd"
n=$(journal_entries)
s0=$(emu_stat submits)
for a in "--cache 0" "--cache=0"; do
    # shellcheck disable=SC2086  # "--cache 0" is two words
    (cd "$T/cwd" && "$SD" submit "the cache is off" $a -q) >"$T/out" 2>"$T/err"
    is "$?" 0 "$a: exit status 0"
    is "$(journal_entries)" "$n" "$a: no journal entry"
    is "$(ls -A "$T/cwd")" "" "$a: no cache directory named 0 either"
    s0=$((s0 + 1))
done
is "$(emu_stat submits)" "$s0" "--cache 0, then --cache=0: no journal, so one submit each"
"$SD" submit "another cache directory" --cache-dir "$T/other" -q >/dev/null
is "$?" 0 "--cache-dir DIR: exit status 0"
is "$(ls "$T/other/journal" 2>/dev/null | grep -c '\.json$')" 1 "--cache-dir DIR: the journal entry is in DIR"
is "$(journal_entries)" "$n" "--cache-dir DIR: and not in the default directory"

# --- the prompt: --prompt, -p or the words after the options
is "$(json_get "$(emu_task "$("$SD" submit -q three loose words)")" .request.prompt)" \
    "three loose words" "the prompt as words"
is "$(json_get "$(emu_task "$("$SD" submit -q -p 'short p')")" .request.prompt)" \
    "short p" "-p PROMPT"
r0=$(emu_stat requests)
"$SD" submit --prompt one two >"$T/out" 2>"$T/err"
is "$?" 2 "--prompt and words: exit status 2"
like "$(cat "$T/err")" "the prompt is given twice" "--prompt and words: said so"
is "$(emu_stat requests)" "$r0" "--prompt and words: nothing sent"

# --- timeouts: fractions of a second work, 0 and words do not
emu_fault '{"type":"task","outcome":"hang"}'
hid=$("$SD" submit "hang past the timeout" -q)
"$SD" wait "$hid" --timeout 0.5 >"$T/out" 2>"$T/err"
is "$?" 1 "--timeout 0.5: the wait ends, exit status 1"
like "$(cat "$T/err")" "task $hid is still [a-z]+ after 0\.5 s \(the deadline\)" \
    "--timeout 0.5: the deadline passed, named as given (0.5 s)"
like "$(cat "$T/err")" "seedance wait $hid" "--timeout 0.5: how to wait again"
"$SD" wait "$hid" --timeout 0 >"$T/out" 2>"$T/err"
is "$?" 2 "--timeout 0: exit status 2"
like "$(cat "$T/err")" "timeout: '0' is not a number of seconds" "--timeout 0: the library's message"
check_fails "--timeout soon: refused" "$SD" wait "$hid" --timeout soon
emu_reset

# --- the key file: its first line, blanks and CR removed, as every front end reads it
printf '  %s \r\nsomething else\n' "$EMU_KEY" >"$T/key-crlf"
printf '\t%s\t' "$EMU_KEY" >"$T/key-tabs"
printf 'sk-not-this-one\n%s\n' "$EMU_KEY" >"$T/key-second"
printf '  \r\n%s\n' "$EMU_KEY" >"$T/key-blank"
chmod 600 "$T"/key-*
for f in crlf tabs; do
    env -u SEEDANCE_API_KEY "$SD" credits --api-key-file "$T/key-$f" >"$T/out" 2>"$T/err"
    is "$?" 0 "key file ($f): the key is accepted"
    unlike "$(cat "$T/out" "$T/err")" "$EMU_KEY" "key file ($f): the key is not printed"
done
env -u SEEDANCE_API_KEY "$SD" submit "with a key file" --api-key-file "$T/key-crlf" -q >"$T/out"
is "$?" 0 "key file: a submit is accepted"
like "$(cat "$T/out")" "^task-unified-" "key file: the task id"
env -u SEEDANCE_API_KEY SEEDANCE_API_KEY_FILE="$T/key-crlf" "$SD" credits >"$T/out" 2>"$T/err"
is "$?" 0 "SEEDANCE_API_KEY_FILE: the key is accepted"
env -u SEEDANCE_API_KEY "$SD" credits --api-key-file "$T/key-second" >"$T/out" 2>"$T/err"
is "$?" 1 "key file: only the first line is the key (401)"
like "$(cat "$T/err")" "HTTP 401" "key file with a wrong first line: 401"
env -u SEEDANCE_API_KEY "$SD" credits --api-key-file "$T/key-blank" >"$T/out" 2>"$T/err"
is "$?" 2 "key file with a blank first line: exit status 2"
like "$(cat "$T/err")" "api_key_file: .*key-blank holds no key" "key file with a blank first line: said so"
env -u SEEDANCE_API_KEY "$SD" credits --api-key-file "$T/none" >"$T/out" 2>"$T/err"
is "$?" 2 "missing key file: exit status 2"
like "$(cat "$T/err")" "api_key_file: cannot read $T/none" "missing key file: said so"
chmod 644 "$T/key-crlf"
env -u SEEDANCE_API_KEY "$SD" credits --api-key-file "$T/key-crlf" >"$T/out" 2>"$T/err"
is "$?" 0 "key file readable by others: still used"
like "$(cat "$T/err")" "warning: .*key-crlf is readable by other users" "key file readable by others: a warning"

# --- the help, from the command table
"$SD" --help >"$T/usage"
for c in generate submit status wait download credits run help; do
    like "$(cat "$T/usage")" "^  $c " "usage lists $c"
done
"$SD" help status >"$T/help"
is "$?" 0 "help status: exit status 0"
"$SD" status --help >"$T/help2"
check "status --help is help status" cmp "$T/help" "$T/help2"
like "$(head -n 1 "$T/help")" "^usage: seedance status \\[options\\] TASK-ID$" "help status: the synopsis"
like "$(cat "$T/help")" "--timeout " "help status: its client options"
unlike "$(cat "$T/help")" "--duration|--image|--output|^  [a-z]+  " "help status: no other command's options, no command list"
unlike "$(cat "$T/help")" "--api-key " "help status: no --api-key"
"$SD" help generate >"$T/help"
for o in --prompt --duration --quality --aspect-ratio --generate-audio --content-filter \
    --web-search --callback-url --model --image --last-image --image-mode --new-generation \
    --new --cache --no-cache --timeout --cache-dir --api-base --files-base --api-key-file \
    '-o, --output' --json --progress '-q, --quiet' '-v, --verbose' '-h, --help' '-p'; do
    like "$(cat "$T/help")" "^  $o " "help generate: $o"
done
"$SD" help run >"$T/help"
like "$(head -n 1 "$T/help")" "^usage: seedance run PROGRAM \\[ARGS...\\]$" "help run: the synopsis"
check_fails "help of an unknown command" "$SD" help fly
"$SD" run >"$T/out" 2>"$T/err"
is "$?" 2 "run without a program: exit status 2"
done_testing
