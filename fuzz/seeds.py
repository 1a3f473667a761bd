#!/usr/bin/env python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""Write the seed corpora fuzz/corpus/NAME/ of the harnesses.

    fuzz/seeds.py [DIR]        (default: fuzz/corpus next to this script)

The seeds are real replies: the examples of the API reference
(tasks-and-errors.md and the OpenAPI pages) and replies captured from the
emulator (tests/emulator), in the input format of each harness (see the
comment at the top of fuzz/NAME.c). Run it again after changing a format;
the files it writes are committed.
"""
import base64
import os
import struct
import sys

ID = "task-unified-1774857405-abc123"
EMU_ID = "task-unified-1795308570-wwa6b73c"
EMU_URL = "http://127.0.0.1:8080/results/%s.mp4" % EMU_ID

# --- task replies ---------------------------------------------------------
TASKS = {
    # the reference
    "doc-completed": '{"id":"%s","object":"video.generation.task","created":1774857405,'
                     '"model":"seedance-2.0-fast-text-to-video","status":"completed","progress":100,'
                     '"results":["https://cdn.example.com/videos/%s.mp4"],'
                     '"task_info":{"can_cancel":false,"video_duration":5},"type":"video"}' % (ID, ID),
    "doc-processing": '{"status":"processing","progress":65,"task_info":{"can_cancel":true}}',
    "doc-failed": '{"id":"task-unified-1772618027-cmeisy8h","object":"video.generation.task",'
                  '"status":"failed","progress":0,"error":{"code":"content_policy_violation",'
                  '"message":"Content policy violation. Your request was blocked by safety filters..."}}',
    "doc-object-url": '{"id":"%s","status":"completed","results":[{"url":"https://x/o.mp4"}]}' % ID,
    "doc-result-data": '{"id":"%s","status":"completed","result_data":[{"video_url":"https://x/r.mp4"}]}' % ID,
    "doc-error-string": '{"id":"%s","status":"failed","error":"quota exceeded"}' % ID,
    "doc-error-int": '{"id":"%s","status":"failed","error":{"code":5001,"message":"m","type":"t","suggestion":"s"}}' % ID,
    "doc-cancelled": '{"id":"%s","status":"cancelled"}' % ID,
    "doc-canceled": '{"task_id":"%s","status":"canceled"}' % ID,
    "doc-succeeded": '{"id":"%s","status":"succeeded","output":{"video_url":"https://x/s.mp4"}}' % ID,
    "doc-queued": '{"id":"%s","status":"queued","task_info":{"estimated_time":120}}' % ID,
    "doc-expired": '{"id":"%s","status":"expired","data":{"video_url":"https://x/e.mp4"}}' % ID,
    # the emulator
    "emu-pending": '{"id":"%s","object":"video.generation.task","created":1795308570,'
                   '"model":"seedance-2.0-fast-text-to-video","status":"pending","progress":0,"type":"video",'
                   '"task_info":{"can_cancel":true,"estimated_time":1,"video_duration":4},'
                   '"usage":{"billing_rule":"per_second","credits_reserved":20,"user_group":"default"}}' % EMU_ID,
    "emu-processing": '{"id":"%s","object":"video.generation.task","created":1795308570,'
                      '"model":"seedance-2.0-fast-text-to-video","status":"processing","progress":99,"type":"video",'
                      '"task_info":{"can_cancel":true,"estimated_time":1,"video_duration":4},'
                      '"usage":{"billing_rule":"per_second","credits_reserved":20,"user_group":"default"}}' % EMU_ID,
    "emu-completed": '{"id":"%s","object":"video.generation.task","created":1795308570,'
                     '"model":"seedance-2.0-fast-text-to-video","status":"completed","progress":100,"type":"video",'
                     '"task_info":{"can_cancel":false,"video_duration":4},'
                     '"usage":{"billing_rule":"per_second","credits_reserved":20,"user_group":"default",'
                     '"credits_used":20},"results":["%s"]}' % (EMU_ID, EMU_URL),
}

ERRORS = {
    "invalid-task-id": (400, '{"error":{"code":"invalid_task_id","message":"Invalid task ID format, must start '
                             'with \'task-unified-\'","type":"invalid_request_error","param":"task_id"}}'),
    "unauthorized": (401, '{"error":{"code":"unauthorized","message":"Missing Authorization header (Bearer token '
                          'required)","type":"authentication_error"}}'),
    "quota": (402, '{"error":{"code":"insufficient_quota","message":"Insufficient balance","type":"billing_error",'
                   '"fallback_suggestion":"top up"}}'),
    "forbidden": (403, '{"error":{"code":"model_access_denied","message":"no access","type":"permission_error"}}'),
    "not-found": (404, '{"error":{"code":"task_not_found","message":"Task not found: %s","type":'
                       '"invalid_request_error","param":"task_id"}}' % ID),
    "rate-limit": (429, '{"error":{"code":"rate_limit_exceeded","message":"Too many requests, please try again '
                        'later","type":"rate_limit_error"}}'),
    "server": (500, '{"error":{"code":"internal_error","message":"upstream failed","type":"api_error"},'
                    '"fallback_suggestion":"retry after 30 s"}'),
    "int-code": (503, '{"error":{"code":503,"message":"service unavailable","suggestion":"retry after 30 s"}}'),
    "bare-string": (400, '{"error":"invalid request"}'),
    "files-refused": (200, '{"success":false,"code":400,"msg":"Unsupported file type"}'),
    "files-refused-message": (413, '{"success":false,"code":"file_too_large","message":"File exceeds 30 MB"}'),
}

UPLOADS = {
    "doc-success": (200, '{"success":true,"code":200,"msg":"File uploaded successfully","data":{"file_id":'
                         '"file_abc123","file_name":"first.png","file_size":2048,"mime_type":"image/png",'
                         '"file_url":"https://files.evolink.ai/x/first.png","expires_at":"2025-10-12T00:00:00+08:00"}}'),
    "emu-success": (200, '{"success":true,"code":200,"msg":"File uploaded successfully","data":{"file_id":'
                         '"file_1","file_name":"first.png","file_size":2048,"mime_type":"image/png",'
                         '"file_url":"http://127.0.0.1:8080/files/file_1/first.png"}}'),
    "refused-200": (200, '{"success":false,"code":400,"msg":"Invalid base64 data"}'),
    "refused-400": (400, '{"success":false,"code":"invalid_image","msg":"not an image"}'),
    "no-url": (200, '{"success":true,"code":200,"data":{}}'),
}

RETRY_AFTER = ["3", "120", " 5 ", "0", "1.5", "30\r\n", "Wed, 21 Oct 2015 07:28:00 GMT",
               "Sun, 22 Nov 2026 00:49:35 GMT", "Thu, 01 Jan 2099 00:00:00 GMT", "1e3", "-1",
               "86400", "Sunday, 06-Nov-94 08:49:37 GMT", "Sun Nov  6 08:49:37 1994"]


def http(status, body, reason="OK", headers=()):
    lines = ["HTTP/1.1 %d %s" % (status, reason), "Content-Type: application/json"]
    lines += list(headers)
    lines.append("Content-Length: %d" % len(body.encode()))
    return "\n".join(lines) + "\n\n" + body


def script(*replies):
    return "\n%%\n".join(replies)


def png(w, h):
    ihdr = struct.pack(">IIBBBBB", w, h, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + struct.pack(">I", 13) + b"IHDR" + ihdr + b"\0\0\0\0"


def jpeg(w, h):
    app0 = b"\xff\xe0" + struct.pack(">H", 16) + b"JFIF\0\x01\x01\0\0\x01\0\x01\0\0"
    sof = b"\xff\xc0" + struct.pack(">HBHHB", 11, 8, h, w, 1) + b"\x01\x11\x00"
    return b"\xff\xd8" + app0 + sof + b"\xff\xd9"


def webp_vp8(w, h):
    frame = b"\0\0\0\x9d\x01\x2a" + struct.pack("<HH", w, h) + b"\0" * 4
    return b"RIFF" + struct.pack("<I", 4 + 8 + len(frame)) + b"WEBPVP8 " + struct.pack("<I", len(frame)) + frame


def webp_vp8l(w, h):
    bits = (w - 1) | (h - 1) << 14
    frame = b"\x2f" + struct.pack("<I", bits) + b"\0" * 5
    return b"RIFF" + struct.pack("<I", 4 + 8 + len(frame)) + b"WEBPVP8L" + struct.pack("<I", len(frame)) + frame


def webp_vp8x(w, h):
    frame = b"\0\0\0\0" + (w - 1).to_bytes(3, "little") + (h - 1).to_bytes(3, "little")
    return b"RIFF" + struct.pack("<I", 4 + 8 + len(frame)) + b"WEBPVP8X" + struct.pack("<I", len(frame)) + frame


def data_uri(b, mime="image/png"):
    return "data:%s;base64,%s" % (mime, base64.b64encode(b).decode())


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    root = sys.argv[1] if len(sys.argv) > 1 else os.path.join(here, "corpus")
    files = {}

    def put(name, key, data):
        if isinstance(data, str):
            data = data.encode()
        files[(name, key)] = data

    for k, v in TASKS.items():
        put("task_json", k, b"\0" + v.encode())
        put("task_json", k + "-known", b"\1" + v.encode())
    for k, (st, v) in ERRORS.items():
        put("api_error", k, v)
    for k, (st, v) in list(UPLOADS.items()) + [(k, e) for k, e in ERRORS.items() if k.startswith("files")]:
        put("upload_reply", k, struct.pack(">H", st) + v.encode())
    for i, v in enumerate(RETRY_AFTER):
        put("retry_after", "value-%02d" % i, struct.pack("<i", [200, 429, 503, 0, -1, 2**31 - 1][i % 6]) + v.encode())

    completed = TASKS["emu-completed"]
    put("http_call", "get-ok", b"\0\0\0\0" + http(200, completed).encode())
    put("http_call", "post-replayed", b"\3\0\0\0" + http(200, TASKS["emu-pending"], headers=["idempotency-replayed: true"]).encode())
    put("http_call", "rate-limited", b"\0\0\0\0" + script(
        http(429, ERRORS["rate-limit"][1], "Too Many Requests", ["Retry-After: 3"]), http(200, completed)).encode())
    put("http_call", "rate-limited-date", b"\4\0\0\0" + script(
        http(429, ERRORS["rate-limit"][1], "Too Many Requests", ["Retry-After: Wed, 21 Oct 2015 07:28:00 GMT"]),
        http(200, completed)).encode())
    put("http_call", "server-errors", b"\x08\x07\x10\0" + script(
        http(503, ERRORS["int-code"][1], "Service Unavailable", ["Retry-After: 30"]),
        http(502, "<html>bad gateway</html>", "Bad Gateway"), "!56", http(200, completed)).encode())
    put("http_call", "refused", b"\1\0\0\0" + http(400, ERRORS["invalid-task-id"][1], "Bad Request").encode())
    put("http_call", "quota", b"\1\0\0\0" + http(402, ERRORS["quota"][1], "Payment Required").encode())
    put("http_call", "continue", b"\1\0\0\0" + ("HTTP/1.1 100 Continue\n\n" + http(200, TASKS["emu-pending"])).encode())
    put("http_call", "short-body", b"\0\0\0\0" + "HTTP/1.1 200 OK\nContent-Length: 999\n\n{\"id\":".encode())
    put("http_call", "no-connection", b"\x0c\x00\x00\x00" + script("!7", "!28", "!52", http(200, completed)).encode())
    put("http_call", "files-upload", b"\1\0\0\1" + http(200, UPLOADS["emu-success"][1]).encode())

    # the wait is for ID: the emulator's replies as they are about that task
    def about(v):
        return http(200, v.replace(EMU_ID, ID).replace("task-unified-1772618027-cmeisy8h", ID))
    pending, processing, done = (about(TASKS[k]) for k in ("emu-pending", "emu-processing", "emu-completed"))
    put("wait", "emu-life", b"\1\0\0\0" + script(pending, processing, done).encode())
    put("wait", "after-submit", b"\x15\0\0\x05" + script(processing, done).encode())
    put("wait", "doc-no-id", b"\1\0\0\0" + script(http(200, TASKS["doc-processing"]), http(200, TASKS["doc-processing"]),
                                                    http(200, TASKS["doc-completed"])).encode())
    put("wait", "failed", b"\1\0\0\0" + script(processing, about(TASKS["doc-failed"])).encode())
    put("wait", "cancelled", b"\1\0\0\0" + script(pending, about(TASKS["doc-cancelled"])).encode())
    put("wait", "rate-limited", b"\2\0\0\0" + script(
        http(429, ERRORS["rate-limit"][1], "Too Many Requests", ["Retry-After: 20"]), processing,
        http(503, ERRORS["int-code"][1], "Service Unavailable"), "!7", done).encode())
    put("wait", "variants", b"\1\0\0\0" + script(http(200, TASKS["doc-queued"]), http(200, TASKS["doc-result-data"]))
        .encode())
    put("wait", "hang", b"\0\0\0\0" + script(*([processing] * 12)).encode())
    put("wait", "not-found", b"\x09\0\0\0" + http(404, ERRORS["not-found"][1], "Not Found").encode())
    put("wait", "malformed", b"\1\0\0\0" + script(pending, "HTTP/1.1 200 OK\n\n{\"id\":\"task-unified-177485740").encode())
    # a reply about another task (the emulator's), and one whose id is no task id
    put("wait", "other-task", b"\1\0\0\0" + script(pending, http(200, TASKS["emu-processing"]),
                                                     http(200, TASKS["doc-queued"].replace(ID, "../" + ID)), done).encode())
    put("wait", "get-other-task", b"\x09\0\0\0" + script(http(200, TASKS["emu-completed"]), done).encode())

    h = "0123456789abcdef" * 4
    entry = ('{\n\t"version":\t1,\n\t"hash":\t"%s",\n\t"api_base":\t"http://127.0.0.1:8080",\n\t"state":\t"%s",\n'
             '\t"idempotency_key":\t"9f2c4e1a7b3d5f60a1b2c3d4e5f60718",\n\t"task_id":\t%s,\n\t"updated":\t1795308570,\n'
             '\t"request":\t{"model":"seedance-2.0-fast-text-to-video","prompt":"a cat","duration":4,"quality":"480p"}\n}')
    put("journal", "submitted", entry % (h, "submitted", '"%s"' % EMU_ID))
    put("journal", "submitting", entry % (h, "submitting", "null"))
    put("journal", "truncated", (entry % (h, "submitted", '"%s"' % EMU_ID))[:200])
    put("journal", "other-hash", entry % ("f" * 64, "submitted", '"%s"' % EMU_ID))
    put("journal", "bad-task-id", entry % (h, "submitted", '"../../etc/passwd"'))
    put("journal", "garbage", b"\x00\xffPK\x03\x04 not json")
    # what an entry records for the ledger (host, user, ..., how the task ended)
    record = (',\n\t"host":\t"render-07",\n\t"user":\t"alice",\n\t"model":\t"seedance-2.0-fast-text-to-video",'
              '\n\t"duration":\t4,\n\t"quality":\t"480p",\n\t"estimate":\t20.252,\n\t"credits_reserved":\t20.252,'
              '\n\t"final_state":\t"completed",\n\t"ended":\t1795308590\n}')
    put("journal", "record", (entry % (h, "submitted", '"%s"' % EMU_ID))[:-2] + record)

    for k, b in {"png": png(640, 480), "jpeg": jpeg(1280, 720), "webp-vp8": webp_vp8(800, 600),
                 "webp-vp8l": webp_vp8l(720, 1280), "webp-vp8x": webp_vp8x(1000, 1000),
                 "png-small": png(64, 64), "jpeg-wide": jpeg(6000, 300)}.items():
        put("image", "file-" + k, b"\0" + b)
        put("image", "uri-" + k, b"\1" + data_uri(b)[5:].encode())
        put("image", "b64-" + k, b"\2" + base64.b64encode(b))
        put("image", "rt-" + k, b"\3" + b)
    put("image", "uri-plain", b"\1" + b"text/plain,hello%20world")
    put("image", "b64-lines", b"\2" + b"iVBORw0KGgo=\r\n")

    img = data_uri(png(640, 480))
    put("request", "t2v", "prompt=a cat on a windowsill at dawn\nduration=4\nquality=480p\naspect_ratio=16:9\n"
                          "generate_audio=true\ncontent_filter=1\nweb_search=off")
    put("request", "i2v", "prompt=the picture comes alive\nimage=%s\nlast_image=%s\nmodel=seedance-2.0-image-to-video\n"
                          "image_mode=inline\nduration=15" % (img, data_uri(jpeg(1280, 720), "image/jpeg")))
    put("request", "callback", "prompt=x\ncallback_url=https://hooks.example.com/seedance?id=1\nresolution=720p\n"
                               "aspect-ratio=adaptive")
    put("request", "callback-private", "prompt=x\ncallback_url=https://[::ffff:10.0.0.1]/cb")
    put("request", "file-image", "prompt=x\nfirst_frame=local.png\nmodel_params.web_search=0")
    put("request", "image-data", b"prompt=y\n!image=" + jpeg(640, 480))
    put("request", "cjk", "prompt=一只猫在窗台上 at dawn\nduration=5")

    for i, u in enumerate(["https://api.evolink.ai", "http://127.0.0.1:8080", "http://[::1]:8080/",
                           "http://localhost/", "http://user:pw@127.0.0.1:9/", "http://127.0.0.1#@example.com/",
                           "https://files-api.evolink.ai/", "http://127.1/", "http://[::ffff:127.0.0.1]/",
                           "HTTP://LOCALHOST:80", "http://example.com/"]):
        put("base_url", "url-%02d" % i, u)

    for i, u in enumerate(["seedance:?prompt=a%20cat&duration=4&quality=480p", "seedance:" + EMU_ID,
                           "seedance://a cat in the rain", "seedance:?api_key=sk-x&prompt=y",
                           "seedance:?api_base=http://127.0.0.1:1&prompt=y", "?Model-Params.Web-Search=1&prompt=z",
                           "seedance:?task=" + ID + "&cache=0&timeout=600", "seedance:///?first_frame=a.png",
                           "seedance:?api%5Fkey=x", "seedance:?new=yes&cache_dir=/tmp/x&seedance_timeout=1e3"]):
        put("url", "url-%02d" % i, b"\0\0" + u.encode())
    for origin in range(3):
        put("url", "set-%d" % origin, b"\1" + bytes([origin]) +
            b"prompt=a cat\nvideo_duration=4\naudio=no\napi_key=sk-x\napi-base=http://127.0.0.1:2\ntimeout=30")

    put("poll", "estimates", b"\0" + bytes([16, 0, 0, 60, 0, 0, 16, 20, 0, 45, 0, 0, 16, 60, 0, 20, 0, 0,
                                            16, 100, 0, 0, 0, 0]))
    put("poll", "seeded", b"\1\0\0\x3c" + bytes([8, 10, 0, 0, 0, 0, 8, 30, 0, 0, 0, 80, 8, 90, 0, 0, 0, 0]))
    put("poll", "overrun", b"\0" + bytes([4, 50, 0, 1, 0, 0] * 20))

    # download: flags, size/4 (2 bytes), part fraction, replies, replies (5 bytes), reader ops (3 bytes)
    def dl(flags, size, frac, replies, ops):
        return bytes([flags]) + struct.pack(">H", size // 4) + bytes([frac, len(replies)]) + \
            b"".join(bytes(r) for r in replies) + b"".join(bytes(o) for o in ops)
    put("download", "honest", dl(1, 262000, 0, [], [[0, 0xff, 0xff], [3, 0, 0]]))
    put("download", "drop-resume", dl(1, 200000, 0, [[0, 0, 0x09, 0x27, 1]], [[0, 0xff, 0xff]]))
    put("download", "kept-part", dl(3, 100000, 128, [[0, 0, 0, 0, 1]], [[1, 0, 0], [0, 0x10, 0]]))
    put("download", "no-range", dl(3, 100000, 128, [[1, 0, 0, 0, 0]], [[0, 0xff, 0xff]]))
    put("download", "far-seek", dl(0, 250000, 0, [[0, 0, 0x02, 0, 1]], [[1, 0xe0, 0], [0, 0x10, 0], [2, 0, 100]]))
    put("download", "errors", dl(1, 50000, 0, [[2, 1, 0, 0, 0], [2, 5, 0, 0, 0], [3, 1, 0, 0, 0], [4, 0, 0, 0, 1]],
                                 [[0, 0xff, 0xff]]))
    put("download", "expired", dl(1, 50000, 0, [[2, 0, 0, 0, 0]], [[0, 0, 10]]))
    put("download", "complete-part", dl(3, 40000, 255, [[0, 0, 0, 0, 1]], [[2, 0, 10], [0, 0, 9]]))
    put("download", "cached", dl(9, 40000, 0, [], [[0, 0xff, 0xff]]))
    put("download", "no-length", dl(1, 40000, 0, [[6, 1, 0, 0x20, 0]], [[0, 0xff, 0xff]]))

    for (name, key), data in sorted(files.items()):
        d = os.path.join(root, name)
        os.makedirs(d, exist_ok=True)
        with open(os.path.join(d, key), "wb") as f:
            f.write(data)
    print("%d seeds in %s" % (len(files), root))


if __name__ == "__main__":
    main()
