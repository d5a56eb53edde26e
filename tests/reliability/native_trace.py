"""Record every network system call of a process tree with strace, and judge the record.

Python's audit hooks only see Python sockets; native code (onnxruntime's telemetry threads,
llama.cpp, Qt, glibc's resolver) calls the kernel directly. ``strace -f`` sees every thread and
every child process, whatever language opened the socket.

What counts against the product:

* ``connect``/``sendto``/``sendmsg``/``sendmmsg`` (and ``bind``, which would listen beyond this
  machine) to an AF_INET address outside 127/8 or an AF_INET6 address other than ``::1`` and
  ``::ffff:127.x`` — attempted, whether or not it succeeded;
* any DNS traffic: anything to port 53 (or mDNS 5353 / LLMNR 5355) at any address, loopback
  included (a local caching resolver forwards the name), a hosts request to nscd, a connect to
  systemd-resolved's varlink socket, and a D-Bus message to ``org.freedesktop.resolve1``.

Allowed: AF_UNIX to anything else (the X server, D-Bus, the app's instance socket, the vector
index process's socket pair) and AF_NETLINK. Netlink talks to the local kernel only and cannot
carry a byte off the machine: glibc's ``getifaddrs`` and the AI_ADDRCONFIG step of
``getaddrinfo`` send NETLINK_ROUTE dumps of the local interfaces, and Qt/D-Bus libraries do the
same. A name lookup that follows such a query still has to reach a resolver, which is caught
above; the netlink queries are counted in the figures so a change shows.
"""

from __future__ import annotations

import ipaddress
import re
import shutil
from dataclasses import dataclass, field
from pathlib import Path

# Only the calls that can reach or name a peer (and socket(), to count what was opened):
# with --seccomp-bpf the tracer then stops on these and nothing else, which keeps the traced
# flow nearly as fast as an untraced one (receives, the bulk of X11/D-Bus traffic, cost nothing).
TRACED = "socket,connect,bind,sendto,sendmsg,sendmmsg"

DNS_PORTS = {53, 5353, 5355}
# nscd answers passwd and group lookups too (every getpwuid), so a connect to its socket is only
# a name lookup when the request sent on it is one; when nscd is not running the connect fails,
# no request follows, and a real lookup goes on to port 53 or systemd-resolved, caught there.
NSCD_SOCKET = "nscd/socket"
# nscd's request types (glibc nscd/nscd-client.h) for hosts: GETHOSTBYNAME(v6), GETHOSTBYADDR(v6),
# GETFDHST (maps the hosts cache) and GETAI (getaddrinfo).
NSCD_HOSTS_REQUESTS = {4, 5, 6, 7, 13, 14}
RESOLVED_SOCKET = "io.systemd.Resolve"  # nss-resolve asks systemd-resolved for hosts only


def strace_prefix(log: Path) -> list[str]:
    """The command prefix that records ``log`` for a process tree (threads and children)."""
    exe = shutil.which("strace")
    if exe is None:
        raise FileNotFoundError("strace")
    # -f: follow forks, clones (threads) and vforks; -yy: print what each descriptor is, so a send
    # on an already connected socket still shows its peer; -s: enough of a payload to see a
    # D-Bus destination; -qq: no attach/exit chatter.
    return [exe, "-f", "--seccomp-bpf", "-qq", "-yy", "-s", "256", "-e", f"trace={TRACED}", "-o", str(log)]


@dataclass
class Call:
    pid: int
    name: str
    text: str  # the whole call, args and result, with unfinished/resumed halves joined


_LINE = re.compile(r"^(\d+)\s+(.*)$")
_RESUMED = re.compile(r"^<\.\.\. (\w+) resumed>(.*)$")
_START = re.compile(r"^(\w+)\((.*)$")


def calls(text: str) -> list[Call]:
    """The system calls of an ``strace -f -o`` log, unfinished/resumed pairs joined per thread."""
    out: list[Call] = []
    pending: dict[int, str] = {}
    for raw in text.splitlines():
        m = _LINE.match(raw)
        if m is None:
            continue
        pid, rest = int(m.group(1)), m.group(2)
        if rest.startswith(("---", "+++")):
            continue  # signals and exits
        r = _RESUMED.match(rest)
        if r is not None:
            rest = pending.pop(pid, f"{r.group(1)}(") + r.group(2)
        if rest.endswith("<unfinished ...>"):
            pending[pid] = rest[: -len("<unfinished ...>")].rstrip()
            continue
        s = _START.match(rest)
        if s is not None:
            out.append(Call(pid, s.group(1), rest))
    # A call still unfinished when the process died (killed in a blocking connect) was attempted.
    for pid, rest in pending.items():
        s = _START.match(rest)
        if s is not None:
            out.append(Call(pid, s.group(1), rest))
    return out


_INET = re.compile(r'sa_family=AF_INET, sin_port=htons\((\d+)\), sin_addr=inet_addr\("([^"]*)"\)')
_INET6 = re.compile(r'sa_family=AF_INET6, sin6_port=htons\((\d+)\),[^}]*?inet_pton\(AF_INET6, "([^"]*)"')
_UNIX = re.compile(r'sa_family=AF_UNIX, sun_path=(@?"[^"]*")')
# A descriptor printed by -yy: 8<UDP:[192.0.2.2:59066->10.255.255.53:53]>
_PEER = re.compile(r"<(?:TCP|UDP|UDPLITE|SCTP|RAW)(?:v6)?:\[.*?->(.*?)\]>")


@dataclass
class Verdict:
    non_loopback: list[str] = field(default_factory=list)  # connect/send/bind beyond loopback
    dns: list[str] = field(default_factory=list)  # name-resolution traffic of any kind
    counts: dict[str, int] = field(default_factory=dict)  # what was seen, for the figures


def _loopback(host: str) -> bool:
    try:
        ip = ipaddress.ip_address(host.strip("[]").split("%")[0])
    except ValueError:
        return False
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    return ip.is_loopback


def _bump(counts: dict[str, int], key: str) -> None:
    counts[key] = counts.get(key, 0) + 1


_SUCCEEDED = re.compile(r"\)\s+= 0$")
_FD = re.compile(r"^\w+\((\d+)")
# The first string argument after the descriptor (sendto's buffer, sendmsg's first iov_base).
_PAYLOAD = re.compile(r'^\w+\(\d+(?:<[^\[]*\[.*?\]>)?, (?:\{msg_name=.*?iov_base=)?"((?:[^"\\]|\\.)*)"')
_ESCAPE = re.compile(r"\\(?:([0-7]{1,3})|x([0-9a-fA-F]{2})|(.))")
_SIMPLE = {"n": 10, "t": 9, "r": 13, "v": 11, "f": 12, "a": 7, "b": 8, "e": 27}


def payload(text: str) -> bytes | None:
    """The bytes strace printed (C escapes) for the buffer a send call sent, or None."""
    m = _PAYLOAD.match(text)
    if m is None:
        return None
    out = bytearray()
    pos, s = 0, m.group(1)
    for e in _ESCAPE.finditer(s):
        out += s[pos:e.start()].encode("latin-1", "replace")
        octal, hexa, ch = e.groups()
        out.append(int(octal, 8) & 0xFF if octal else int(hexa, 16) if hexa else _SIMPLE.get(ch, ord(ch[0]) & 0xFF))
        pos = e.end()
    out += s[pos:].encode("latin-1", "replace")
    return bytes(out)


def _fd(text: str) -> int | None:
    m = _FD.match(text)
    return int(m.group(1)) if m else None


def judge(all_calls: list[Call]) -> Verdict:
    v = Verdict()
    nscd: set[tuple[int, int | None]] = set()  # (thread, descriptor) connected to nscd
    for c in all_calls:
        _bump(v.counts, f"calls_{c.name}")
        if c.name == "socket":
            ret = c.text.rsplit("= ", 1)[-1]
            nscd.discard((c.pid, int(ret.split("<", 1)[0]) if ret[:1].isdigit() else None))
            fam = c.text[len("socket("):].split(",", 1)[0]
            _bump(v.counts, f"sockets_{fam}")
            continue
        if c.name not in ("connect", "bind", "sendto", "sendmsg", "sendmmsg"):
            continue
        peers = [("inet", int(p), h) for p, h in _INET.findall(c.text)]
        peers += [("inet6", int(p), h) for p, h in _INET6.findall(c.text)]
        unix = _UNIX.findall(c.text)
        if not peers and not unix and c.name != "bind":
            # A send on a connected socket: the peer is in the descriptor's description.
            for dest in _PEER.findall(c.text):
                host, _, port = dest.rpartition(":")
                peers.append(("peer", int(port) if port.isdigit() else 0, host))
        if "AF_NETLINK" in c.text or "<NETLINK:" in c.text:
            _bump(v.counts, "netlink")
        short = c.text if len(c.text) < 400 else c.text[:400] + "…"
        for kind, port, host in peers:
            if c.name == "bind":
                # Port 0 (an ephemeral port for a client) or loopback reaches nothing; a fixed
                # port on another address would listen beyond this machine.
                if port != 0 and not _loopback(host):
                    v.non_loopback.append(f"pid {c.pid}: {short}")
            elif port in DNS_PORTS:
                v.dns.append(f"pid {c.pid}: {short}")
            elif not _loopback(host):
                v.non_loopback.append(f"pid {c.pid}: {short}")
            else:
                _bump(v.counts, f"loopback_{kind}")
        for path in unix:
            if RESOLVED_SOCKET in path:
                v.dns.append(f"pid {c.pid}: {short}")
            elif NSCD_SOCKET in path and c.name == "connect":
                _bump(v.counts, "nscd_connect")
                if _SUCCEEDED.search(c.text):
                    nscd.add((c.pid, _fd(c.text)))
            else:
                _bump(v.counts, "unix")
        if c.name in ("sendto", "sendmsg") and (c.pid, _fd(c.text)) in nscd:
            req = payload(c.text) or b""
            request = int.from_bytes(req[4:8], "little") if len(req) >= 8 else -1
            if request in NSCD_HOSTS_REQUESTS or request == -1:
                v.dns.append(f"pid {c.pid}: nscd request {request}: {short}")
        if c.name in ("sendmsg", "sendto") and "org.freedesktop.resolve1" in c.text:
            v.dns.append(f"pid {c.pid}: {short}")
    return v
