# SPDX-License-Identifier: LGPL-2.1-or-later
# bash completion for the seedance command. The commands and their options
# are read from the command's own help (seedance --help, seedance help
# COMMAND), so they are always those of the installed version. After
# "seedance run", the program and its arguments complete as that program's.
#
# Installed as $(PREFIX)/share/bash-completion/completions/seedance.

# The commands of "seedance --help", or the options of "seedance help COMMAND":
# the names in the help's first column ("  generate  ...", "  -o, --output FILE  ...").
_seedance_help_words()
{
    "$1" "${@:2}" 2>/dev/null | awk '
        /^  [-a-z]/ { sub(/^  /, ""); sub(/  .*/, ""); gsub(/,/, ""); for (i = 1; i <= NF; i++) if ($i !~ /^[A-Z]/) print $i }'
}

# What the help of COMMAND shows after OPTION ("--image IMAGE": IMAGE), or nothing.
_seedance_metavar()
{
    [[ $3 == -* ]] || return
    "$1" help "$2" 2>/dev/null | awk -v opt="$3" '
        /^  -/ { sub(/^  /, ""); sub(/  .*/, ""); gsub(/,/, "")
                 for (i = 1; i < NF; i++) if ($i == opt && $NF ~ /^[A-Z]/) { print $NF; exit } }'
}

_seedance()
{
    local cur prev cmd i
    COMPREPLY=()
    cur=${COMP_WORDS[COMP_CWORD]}
    prev=${COMP_WORDS[COMP_CWORD - 1]}

    for ((i = 1; i < COMP_CWORD; i++)); do
        case ${COMP_WORDS[i]} in -*) ;; *) cmd=${COMP_WORDS[i]}; break ;; esac
    done
    if [[ -z $cmd ]]; then
        COMPREPLY=($(compgen -W "$(_seedance_help_words "$1" --help) --help --version" -- "$cur"))
        return
    fi
    if [[ $cmd == run ]]; then
        if declare -F _command_offset >/dev/null; then
            _command_offset $((i + 1))
        else
            COMPREPLY=($(compgen -c -- "$cur"))
        fi
        return
    fi
    if [[ $cmd == help ]]; then
        COMPREPLY=($(compgen -W "$(_seedance_help_words "$1" --help)" -- "$cur"))
        return
    fi
    # the value of an option: files and directories as its help names them
    case $(_seedance_metavar "$1" "$cmd" "$prev") in
        FILE|IMAGE) COMPREPLY=($(compgen -f -- "$cur")); compopt -o filenames 2>/dev/null; return ;;
        DIR) COMPREPLY=($(compgen -d -- "$cur")); compopt -o filenames 2>/dev/null; return ;;
        ?*) return ;;
    esac
    if [[ $cur == -* ]]; then
        COMPREPLY=($(compgen -W "$(_seedance_help_words "$1" help "$cmd")" -- "$cur"))
    fi
}
complete -F _seedance seedance
