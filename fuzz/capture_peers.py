"""The real peers behind fuzz/make_corpus.py: test media made by ffmpeg, and
the bytes ffmpeg, rtmpdump, GStreamer and curl send, recorded by a TCP proxy
in front of a private nginx-rtmp (RTMP) or by a bare listener (HTTP)."""

import socket
import subprocess
import sys
import threading
import time

NGINX_RTMP_MODULE = "/usr/share/nginx/modules/ngx_rtmp_module.so"


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def run(cmd, **kw):
    kw.setdefault("stdout", subprocess.DEVNULL)
    kw.setdefault("stderr", subprocess.DEVNULL)
    return subprocess.run(cmd, check=False, **kw)


def wait_port(port, timeout_s=10):
    end = time.time() + timeout_s
    while time.time() < end:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return
        except OSError:
            time.sleep(0.1)
    sys.exit(f"make_corpus: nothing listens on port {port}")


# ---- media ----

def make_media(tmp):
    lavfi = ["-f", "lavfi", "-i", "testsrc2=size=160x120:rate=15",
             "-f", "lavfi", "-i", "sine=frequency=440:sample_rate=44100"]
    x265 = "log-level=none:aud=1:bframes=0"
    gop = ["-g", "15", "-keyint_min", "15", "-sc_threshold", "0", "-pix_fmt", "yuv420p"]
    media = {
        "avc_aac.flv": lavfi + ["-t", "3"] + gop + ["-c:v", "libx264", "-profile:v", "baseline",
                       "-b:v", "40k", "-c:a", "aac", "-b:a", "24k", "-ac", "1"],
        "avc_high_mp3.flv": lavfi + ["-t", "2"] + gop + ["-c:v", "libx264", "-profile:v", "high",
                            "-bf", "2", "-b:v", "40k", "-c:a", "libmp3lame", "-b:a", "32k", "-ac", "2"],
        "audio_only.flv": ["-f", "lavfi", "-i", "sine=frequency=440:sample_rate=48000", "-t", "2",
                           "-c:a", "aac", "-b:a", "24k", "-ac", "2"],
        # one x265 setting for both, so the raw stream's parameter sets are the MP4's hvcC ones
        "hevc.mp4": lavfi + ["-t", "2"] + gop + ["-c:v", "libx265", "-x265-params", x265,
                    "-b:v", "40k", "-c:a", "aac", "-b:a", "24k", "-ac", "1"],
        "hevc.hevc": lavfi[:4] + ["-t", "2"] + gop + ["-c:v", "libx265", "-x265-params", x265, "-b:v", "40k"],
        "avc_aac.ts": lavfi + ["-t", "4"] + gop + ["-c:v", "libx264", "-profile:v", "baseline",
                      "-b:v", "40k", "-c:a", "aac", "-b:a", "24k", "-ac", "1"],
    }
    for name, args in media.items():
        out = tmp / name
        r = run(["ffmpeg", "-hide_banner", "-loglevel", "error", "-y"] + args + [str(out)])
        if r.returncode != 0 or not out.exists():
            sys.exit(f"make_corpus: ffmpeg failed to make {name}")
    return {name: (tmp / name).read_bytes() for name in media}


# ---- recording proxy in front of a private nginx-rtmp ----

class Recorder:
    """Accepts on `port`, forwards to `upstream`, records both directions."""

    def __init__(self, port, upstream):
        self.sessions = []  # (name, client_bytes, server_bytes) per connection
        self.lock = threading.Lock()
        self.label = "session"
        self.listener = socket.socket()
        self.listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.listener.bind(("127.0.0.1", port))
        self.listener.listen(16)
        self.upstream = upstream
        threading.Thread(target=self.accept_loop, daemon=True).start()

    def accept_loop(self):
        while True:
            try:
                client, _ = self.listener.accept()
            except OSError:
                return
            server = socket.create_connection(("127.0.0.1", self.upstream))
            record = [self.label, bytearray(), bytearray()]
            with self.lock:
                self.sessions.append(record)
            threading.Thread(target=self.pump, args=(client, server, record[1]), daemon=True).start()
            threading.Thread(target=self.pump, args=(server, client, record[2]), daemon=True).start()

    @staticmethod
    def pump(src, dst, log):
        try:
            while True:
                data = src.recv(65536)
                if not data:
                    break
                log += data
                dst.sendall(data)
        except OSError:
            pass
        for s in (src, dst):
            try:
                s.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass


def capture_rtmp(tmp, media):
    nginx_port, proxy_port = free_port(), free_port()
    (tmp / "logs").mkdir(exist_ok=True)
    conf = tmp / "nginx.conf"
    conf.write_text(f"""
load_module {NGINX_RTMP_MODULE};
daemon off;
master_process off;
worker_processes 1;
pid {tmp}/nginx.pid;
error_log {tmp}/logs/error.log;
events {{ worker_connections 64; }}
rtmp {{
  server {{
    listen 127.0.0.1:{nginx_port};
    chunk_size 4096;
    application live {{ live on; }}
  }}
}}
""")
    nginx = subprocess.Popen(["nginx", "-p", str(tmp), "-c", str(conf)],
                             stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        wait_port(nginx_port)
        rec = Recorder(proxy_port, nginx_port)
        url = f"rtmp://127.0.0.1:{proxy_port}/live"
        flv = tmp / "avc_aac.flv"

        def publish(label, name, src=flv, seconds=4):
            rec.label = label
            return subprocess.Popen(
                ["ffmpeg", "-hide_banner", "-loglevel", "error", "-re", "-stream_loop", "-1",
                 "-i", str(src), "-t", str(seconds), "-c", "copy", "-f", "flv", f"{url}/{name}"],
                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)

        pub = publish("ffmpeg_publish", "seed", seconds=6)
        time.sleep(1.5)
        rec.label = "ffmpeg_play"
        run(["timeout", "10", "ffmpeg", "-hide_banner", "-loglevel", "error", "-i", f"{url}/seed",
             "-t", "1", "-f", "null", "-"])
        rec.label = "rtmpdump_play"
        run(["timeout", "3", "rtmpdump", "-q", "--live", "-r", f"{url}/seed", "-o", "/dev/null"])
        pub.wait(timeout=30)

        pub = publish("ffmpeg_publish_mp3", "mp3", src=tmp / "avc_high_mp3.flv", seconds=2)
        pub.wait(timeout=30)

        rec.label = "gstreamer_publish"
        run(["timeout", "10", "gst-launch-1.0", "-q",
             "filesrc", f"location={flv}", "!", "flvdemux", "name=d",
             "flvmux", "name=m", "streamable=true", "!", f"rtmp2sink", f"location={url}/gst",
             "d.video", "!", "queue", "!", "h264parse", "!", "m.video",
             "d.audio", "!", "queue", "!", "aacparse", "!", "m.audio"])
        time.sleep(0.5)
        with rec.lock:
            return [(label, bytes(c2s), bytes(s2c)) for label, c2s, s2c in rec.sessions]
    finally:
        nginx.terminate()
        nginx.wait(timeout=10)


def capture_http():
    """The requests curl, ffmpeg and GStreamer send to an HTTP server (each
    answered 404), for the HTTP request target."""
    port = free_port()
    listener = socket.socket()
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    listener.bind(("127.0.0.1", port))
    listener.listen(8)
    requests = []

    def serve():
        while True:
            try:
                conn, _ = listener.accept()
            except OSError:
                return
            conn.settimeout(1.0)
            data = b""
            try:
                while b"\r\n\r\n" not in data:
                    chunk = conn.recv(65536)
                    if not chunk:
                        break
                    data += chunk
                head, _, body = data.partition(b"\r\n\r\n")
                length = 0
                for line in head.split(b"\r\n"):
                    if line.lower().startswith(b"content-length:"):
                        length = int(line.split(b":")[1])
                while len(body) < length:
                    chunk = conn.recv(65536)
                    if not chunk:
                        break
                    body += chunk
                    data += chunk
                conn.sendall(b"HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")
            except OSError:
                pass
            requests.append(data)
            conn.close()

    threading.Thread(target=serve, daemon=True).start()
    base = f"http://127.0.0.1:{port}"
    clients = {
        "curl_get_query": ["curl", "-s", f"{base}/live/seed.m3u8?token=abc%20def&expires=1700000000"],
        "curl_head": ["curl", "-s", "-I", f"{base}/live/seed/12.ts"],
        "curl_post_body": ["curl", "-s", "-d", "app=live&name=seed&addr=127.0.0.1", f"{base}/on_publish"],
        # through a "proxy": the request line carries the absolute-form target
        "curl_absolute_form": ["curl", "-s", "-x", base, "http://streamgate.invalid/live/seed.ts"],
        "curl_http10": ["curl", "-s", "-0", f"{base}/api/streams"],
        "ffmpeg_hls": ["ffmpeg", "-hide_banner", "-loglevel", "quiet", "-i", f"{base}/live/seed.m3u8"],
        "gstreamer_souphttpsrc": ["gst-launch-1.0", "-q", "souphttpsrc", f"location={base}/live/seed.ts", "!", "fakesink"],
    }
    out = {}
    for name, cmd in clients.items():
        before = len(requests)
        run(["timeout", "10"] + cmd)
        time.sleep(0.2)
        if len(requests) > before:
            out[name] = requests[before]
    listener.close()
    return out
