"""The servers bench/compare/run.py measures, each started privately on
loopback with a config generated into its own temporary folder (never a
system service, never a system config)."""
import os
import re
import signal
import socket
import subprocess
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
NGINX_RTMP_MODULE = "/usr/share/nginx/modules/ngx_rtmp_module.so"


def set_priority(pid, priority):
    """nice value `priority` for `pid`, and for its session's autogroup: with
    kernel.sched_autogroup_enabled, CPU is shared between sessions first, so a
    process's own nice value does not count against other sessions' work."""
    if not priority:
        return
    subprocess.run(["renice", "-n", str(priority), "-p", str(pid)], stdout=subprocess.DEVNULL, check=False)
    try:
        with open(f"/proc/{pid}/autogroup", "w") as f:
            f.write(str(priority))
    except OSError:
        pass  # no autogroups, or not allowed


def fill(template, **values):
    text = open(os.path.join(HERE, template)).read()
    for key, value in values.items():
        text = text.replace("{" + key + "}", str(value))
    return text


def wait_port(port, proc, timeout_s=15):
    deadline = time.time() + timeout_s
    while time.time() < deadline:
        if proc.poll() is not None:
            return False
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return True
        except OSError:
            time.sleep(0.1)
    return False


class Server:
    """A server process: argv, its config files and where it logs."""

    def __init__(self, name, port, workdir, argv, files, cwd=None):
        self.name, self.port, self.workdir, self.argv, self.cwd = name, port, workdir, argv, cwd
        self.log_path = os.path.join(workdir, "server.log")
        self.proc = None
        for file_name, text in files.items():
            with open(os.path.join(workdir, file_name), "w") as f:
                f.write(text)

    @property
    def pid(self):
        return self.proc.pid

    def start(self, priority):
        log = open(self.log_path, "w")
        self.proc = subprocess.Popen(self.argv, cwd=self.cwd, stdout=log, stderr=subprocess.STDOUT,
                                     start_new_session=True)
        # The server runs in a session (so an autogroup) of its own.
        set_priority(self.proc.pid, priority)
        if not wait_port(self.port, self.proc):
            self.stop()
            raise RuntimeError(f"{self.name} did not start; its log:\n" + open(self.log_path).read()[-3000:])
        for pid in process_tree(self.proc.pid)[1:]:  # workers forked before the renice (nginx)
            set_priority(pid, priority)

    def stop(self):
        if not self.proc or self.proc.poll() is not None:
            return
        self.proc.send_signal(signal.SIGTERM)
        try:
            self.proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait()


def process_tree(root):
    """root and its descendants, from /proc (proc(5): ppid is the 2nd field after "(comm)")."""
    parents = {}
    for name in os.listdir("/proc"):
        if name.isdigit():
            try:
                with open(f"/proc/{name}/stat") as f:
                    stat = f.read()
                parents[int(name)] = int(stat[stat.rfind(")") + 2:].split()[1])
            except OSError:
                pass
    found = {root}
    grew = True
    while grew:
        grew = False
        for pid, ppid in parents.items():
            if ppid in found and pid not in found:
                found.add(pid)
                grew = True
    return sorted(found)


def coalesce_ms(name):
    """streamgate-c<ms>: write-coalesce <ms>; plain streamgate: 0."""
    match = re.fullmatch(r"streamgate(?:-c(\d+))?", name)
    if not match:
        raise ValueError(f"not a streamgate server name: {name}")
    return int(match.group(1) or 0)


def streamgate(name, port, workdir, args):
    binary = os.path.join(args.build, "bin", "streamgate")
    coalesce = f"{coalesce_ms(name)}ms"
    extra = ('<plugin name="mpegts" enabled="true"/>\n  <plugin name="hls" enabled="true"/>'
             if args.hls else "")
    config = fill("streamgate.xml.in", port=port, http_port=free_port(), threads=args.streamgate_threads,
                  plugins=os.path.join(args.build, "lib", "streamgate", "plugins"),
                  coalesce=coalesce, extra_plugins=extra)
    return Server(name, port, workdir, [binary, "-c", os.path.join(workdir, "streamgate.xml")],
                  {"streamgate.xml": config})


def nginx_rtmp(name, port, workdir, args):
    if not os.path.exists(NGINX_RTMP_MODULE):
        raise RuntimeError(f"{NGINX_RTMP_MODULE} missing: apt-get install nginx-light libnginx-mod-rtmp")
    config = fill("nginx.conf.in", port=port, dir=workdir, module=NGINX_RTMP_MODULE)
    conf = os.path.join(workdir, "nginx.conf")
    return Server(name, port, workdir,
                  ["nginx", "-p", workdir, "-c", conf, "-e", os.path.join(workdir, "error.log")],
                  {"nginx.conf": config})


def node_media_server(name, port, workdir, args):
    config = fill("nms.json.in", port=port)
    return Server(name, port, workdir,
                  ["node", os.path.join(ROOT, "bench", "peers", "nms.js"), os.path.join(workdir, "nms.json")],
                  {"nms.json": config})


def make(name, port, workdir, args):
    if name.startswith("streamgate"):
        return streamgate(name, port, workdir, args)
    if name == "nginx-rtmp":
        return nginx_rtmp(name, port, workdir, args)
    if name == "node-media-server":
        return node_media_server(name, port, workdir, args)
    raise ValueError(name)


def show_errors(server):
    """Prints the tail of a server's log when it logged errors."""
    try:
        text = open(server.log_path).read()
    except OSError:
        return
    if any(word in text.lower() for word in ("error", "critical", "fatal")):
        print(f"compare: {server.name} log (tail):\n" + text[-2000:], flush=True)


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]
