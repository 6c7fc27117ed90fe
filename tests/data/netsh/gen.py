#!/usr/bin/env python3
"""Writes the netsh fixtures of this folder with their real byte encodings.

The files are committed; this script only documents how their bytes were
made (OEM code page, CRLF) and lets them be remade: python3 gen.py
See README.md for where each text comes from.
"""
import os
import random

HERE = os.path.dirname(os.path.abspath(__file__))


def write(name, lines, enc="ascii", eol="\r\n"):
    data = eol.join(lines).encode(enc)
    with open(os.path.join(HERE, name), "wb") as f:
        f.write(data)


def rows(pairs, trailing=True):
    """netsh prints '%10u  %10u' and '     *' for administered rows; the raw
    output pads non-administered rows with blanks to the same width."""
    out = []
    for r in pairs:
        a, b = r[0], r[1]
        admin = len(r) > 2
        line = "%10d  %10d" % (a, b)
        if admin:
            line += "     *"
        elif trailing:
            line += "      "
        out.append(line)
    return out


def excluded(proto, title, cols, dashes, pairs, footer, trailing=True):
    return ([""] + [title % proto, "", cols, dashes] + rows(pairs, trailing)
            + ["", footer, ""])


EN_TITLE = "Protocol %s Port Exclusion Ranges"
EN_COLS = "Start Port    End Port      "
EN_DASH = "----------    --------      "
EN_FOOT = "* - Administered port exclusions."

# 1. Real: Stack Overflow "What is Administered port exclusions in windows 10?"
write("en-excl-tcp4-admin.txt",
      ["C:\\> netsh interface ipv4 show excludedportrange protocol=tcp"]
      + excluded("tcp", EN_TITLE, "Start Port    End Port",
                 "----------    --------",
                 [(5357, 5357), (9800, 9800), (9801, 9801), (49671, 49770),
                  (49871, 49970), (50000, 50059, "*"), (61117, 61216),
                  (61220, 61319), (61902, 62001)], EN_FOOT, trailing=False))

# 2. Real: open-telemetry/opentelemetry-collector-contrib PR #10872 (a Go
# test log from GitHub Actions: LF, indented, no blank lines, no commands).
ind = "        "
write("en-excl-tcp-udp-gha.txt",
      ["=== RUN   TestTCPAndUDP",
       "    testutil_test.go:87: TCP Command",
       "    testutil_test.go:88: ",
       ind + "Protocol tcp Port Exclusion Ranges",
       ind + EN_COLS, ind + EN_DASH]
      + [ind + r for r in rows([(80, 80), (5986, 5986), (47001, 47001),
                                (51417, 51516), (51517, 51616)])]
      + [ind + EN_FOOT,
         "    testutil_test.go:95: UDP Command",
         "    testutil_test.go:96: ",
         ind + "Protocol udp Port Exclusion Ranges",
         ind + EN_COLS, ind + EN_DASH]
      + [ind + r for r in rows([(56030, 56129), (56130, 56229)])]
      + [ind + EN_FOOT, ""], eol="\n")

# 3. Real: nikkigallery/WhimboxLauncher issue #21 (Chinese, "int ip").
write("zh-excl-tcp4.gbk.txt",
      ["> netsh int ip show excludedportrange protocol=tcp"]
      + excluded("tcp", "协议 %s 端口排除范围", "开始端口    结束端口",
                 "----------    --------",
                 [(1607, 1706), (1707, 1806), (1807, 1906), (1907, 2006),
                  (2007, 2106), (2180, 2279), (2280, 2379), (2380, 2479),
                  (2480, 2579), (2606, 2705), (3897, 3996), (5357, 5357),
                  (5712, 5811), (5985, 5985), (27339, 27339), (47001, 47001),
                  (50000, 50059, "*"), (54235, 54235)],
                 "* - 管理的端口排除。", trailing=False), enc="gbk")

# 4. Real: microsoft/WSL issue #5306, comment of 2022-06-13 (Spanish; the
# markdown backticks and the chat text around the output kept; LF).
es = [(1025, 1124), (1125, 1224), (1225, 1324), (1325, 1424), (1425, 1524),
      (1525, 1624), (5357, 5357), (5700, 5700), (8884, 8884), (24266, 24365),
      (24466, 24565), (24566, 24665), (24666, 24765), (24902, 25001),
      (25002, 25101), (25102, 25201), (25313, 25412), (25513, 25612),
      (25613, 25712), (25713, 25812), (25913, 26012), (26013, 26112),
      (26113, 26212), (50000, 50059)]
es_rows = rows(es, trailing=False)
es_rows[-1] += "`"
write("es-excl-tcp4.cp850.txt",
      ["In my case I solve this issue knowing which port my application "
       "needs (25340) and knowing what ranges are reserved by",
       "",
       "`netsh int ipv4 show excludedportrange protocol=tcp`",
       "",
       "which gives me this output:",
       "",
       "`Puerto de inicio    Puerto final",
       "----------          --------"] + es_rows
      + ["", "As you can see, this command tells me that from 25313 to "
         "25412 those ports are reserved, so I simply change the port of "
         "my app and now all is working fine.", ""], enc="cp850", eol="\n")

# 5. Constructed: German, udp, ipv6, cmd prompt without a blank after '>'.
write("de-excl-udp6.cp850.txt",
      ["C:\\Windows\\system32>netsh int ipv6 show excludedportrange "
       "protocol=udp"]
      + excluded("udp", "Protokoll %s Portausschlussbereiche",
                 "Startport    Endport       ", EN_DASH,
                 [(3702, 3702), (50000, 50059, "*"), (54112, 54211),
                  (54212, 54311)],
                 "* - Verwaltete Portausschlüsse.") + [""], enc="cp850")

# 6. Constructed: French, tcp, ipv4, low WinNAT blocks (dynamic range 1024).
write("fr-excl-tcp4.cp850.txt",
      ["C:\\Users\\Utilisateur>netsh int ipv4 show excludedportrange "
       "protocol=tcp"]
      + excluded("tcp", "Protocole %s Plages d'exclusion de ports",
                 "Port de début    Port de fin", "----------    --------",
                 [(1080, 1179), (1180, 1279), (2869, 2869), (3000, 3099),
                  (5357, 5357), (8080, 8080, "*"), (50000, 50059, "*")],
                 "* - Exclusions de ports administrées."), enc="cp850")

# 7. Constructed: Korean (CP949), tcp, ipv4.
write("ko-excl-tcp4.cp949.txt",
      ["C:\\Users\\user>netsh interface ipv4 show excludedportrange tcp"]
      + excluded("tcp", "프로토콜 %s 포트 제외 범위", "시작 포트    끝 포트",
                 "----------    --------",
                 [(5357, 5357), (6555, 6654), (50000, 50059, "*"),
                  (63000, 63099)],
                 "* - 관리되는 포트 제외입니다."), enc="cp949")

# 8. Constructed: Japanese (CP932: some trail bytes are '|' and '\'), tcp,
# ipv6, PowerShell prompt.
write("ja-excl-tcp6.cp932.txt",
      ["PS C:\\Users\\ユーザー> netsh interface ipv6 show excludedportrange "
       "protocol=tcp"]
      + excluded("tcp", "プロトコル %s ポート除外範囲", "開始ポート    終了ポート",
                 "----------    --------",
                 [(2869, 2869), (5000, 5099), (5985, 5985), (47001, 47001),
                  (50000, 50059, "*")],
                 "* - 管理されているポートの除外。"), enc="cp932")

# 9. Constructed: empty list (header only), udp, ipv6.
write("en-excl-udp6-empty.txt",
      ["C:\\>netsh int ipv6 show excludedportrange protocol=udp"]
      + excluded("udp", EN_TITLE, EN_COLS, EN_DASH, [], EN_FOOT))

# 10. Constructed: one PowerShell session pasted whole.
ps = "PS C:\\Users\\dev> "
write("multi-paste-ps.txt",
      [ps + "netsh int ipv4 show excludedportrange protocol=tcp"]
      + excluded("tcp", EN_TITLE, EN_COLS, EN_DASH,
                 [(2869, 2869), (5357, 5357), (8005, 8104), (8105, 8204),
                  (50000, 50059, "*")], EN_FOOT)
      + [ps + "netsh interface ipv6 show excludedportrange udp"]
      + excluded("udp", EN_TITLE, EN_COLS, EN_DASH,
                 [(50000, 50059, "*")], EN_FOOT)
      + [ps + "netsh int ipv4 show dynamicportrange tcp", "",
         "Protocol tcp Dynamic Port Range",
         "---------------------------------",
         "Start Port      : 1024", "Number of Ports : 64511", "",
         ps + "netsh int ipv4 set dynamic tcp start=49152 num=16384",
         "Ok.", "",
         ps + "ver", "", "Microsoft Windows [Version 10.0.22631.4317]", "",
         ps + "netsh int ipv6 sh dyn udp", "",
         "Protocol udp Dynamic Port Range",
         "---------------------------------",
         "Start Port      : 49152", "Number of Ports : 16384", "",
         ps.rstrip(), ""])

# 11. Real: dorssel/usbipd-win issue #53 (no command line shown).
write("en-dyn-tcp-default.txt",
      ["", "Protocol tcp Dynamic Port Range",
       "---------------------------------",
       "Start Port      : 49152", "Number of Ports : 16384", ""])

# 12. Real: actions/runner-images PR #1442 (a Packer log: every line has a
# "vhd: " prefix; before and after a Visual Studio install; LF).
v = "    vhd: "
write("en-dyn-tcp-1024-64511-packer.txt",
      ["==> vhd: Provisioning with powershell script: "
       "C:\\agent\\_work\\9\\s\\images\\win/scripts/Installers/Install-VS.ps1",
       v + "Display ports", v.rstrip(),
       v + "Protocol tcp Dynamic Port Range",
       v + "---------------------------------",
       v + "Start Port      : 49152", v + "Number of Ports : 16384",
       "", v + "Display ports", v.rstrip(),
       v + "Protocol tcp Dynamic Port Range",
       v + "---------------------------------",
       v + "Start Port      : 1024", v + "Number of Ports : 64511",
       v.rstrip(), ""], eol="\n")

# 13. Constructed from the seed case (tests/data/windows-docker-port-error
# .zh.md, shared/notes/windows-facts.md): Chinese, start 1024, 13977 ports.
write("zh-dyn-tcp4-1024-13977.gbk.txt",
      ["C:\\Users\\dev>netsh int ipv4 show dynamicport tcp", "",
       "协议 tcp 动态端口范围", "---------------------------------",
       "启动端口        : 1024", "端口数          : 13977", "", ""],
      enc="gbk")

# 14. Constructed: Japanese dynamicport, udp, ipv6.
write("ja-dyn-udp6.cp932.txt",
      ["C:\\>netsh int ipv6 show dynamicport udp", "",
       "プロトコル udp 動的ポート範囲", "---------------------------------",
       "開始ポート      : 49152", "ポート数        : 16384", ""],
      enc="cp932")

# 15. Constructed: portproxy show all, two families.
pp_hdr = ["Address         Port        Address         Port",
          "--------------- ----------  --------------- ----------"]
write("portproxy-show-all.txt",
      ["C:\\>netsh interface portproxy show all", "",
       "Listen on ipv4:             Connect to ipv4:", ""] + pp_hdr
      + ["0.0.0.0         3000        172.23.114.5    3000",
         "127.0.0.1       8080        localhost       80", "",
         "Listen on ipv4:             Connect to ipv6:", ""] + pp_hdr
      + ["0.0.0.0         2222        ::1             22", "", ""])

# 16. Constructed: http show servicestate (server session view) with two
# request queues that have processes and one that has none.
H = [
    "C:\\>netsh http show servicestate", "",
    "Snapshot of HTTP service state (Server Session View): ",
    "----------------------------------------------------- ", "",
    "Server session ID: FF00000320000001",
    "    Version: 2.0",
    "    State: Active",
    "    Properties:",
    "        Max bandwidth: 4294967295",
    "        Timeouts:",
    "            Entity body timeout (secs): 120",
    "            Idle connection timeout (secs): 120",
    "    URL groups:",
    "    URL group ID: FE00000340000001",
    "        State: Active",
    "        Request queue name: Request queue is unnamed.",
    "        Properties:",
    "            Max bandwidth: inherited",
    "            Max connections: inherited",
    "            Number of registered URLs: 2",
    "            Registered URLs:",
    "                HTTP://+:5985/WSMAN/",
    "                HTTP://+:47001/WSMAN/", "",
    "Server session ID: FF00000420000001",
    "    Version: 2.0",
    "    State: Active",
    "    URL groups:",
    "    URL group ID: FE00000440000001",
    "        State: Active",
    "        Request queue name: DefaultAppPool",
    "        Properties:",
    "            Number of registered URLs: 1",
    "            Registered URLs:",
    "                HTTP://*:80/", "",
    "Request queues:",
    "    Request queue name: Request queue is unnamed.",
    "        Version: 2.0",
    "        State: Active",
    "        Request queue 503 verbosity level: Basic",
    "        Max requests: 1000",
    "        Number of active processes attached: 1",
    "        Process IDs:",
    "            3580",
    "        URL groups:",
    "        URL group ID: FE00000340000001",
    "            State: Active",
    "            Request queue name: Request queue is unnamed.",
    "            Number of registered URLs: 2",
    "            Registered URLs:",
    "                HTTP://+:5985/WSMAN/",
    "                HTTP://+:47001/WSMAN/", "",
    "    Request queue name: DefaultAppPool",
    "        Version: 2.0",
    "        State: Active",
    "        Max requests: 1000",
    "        Number of active processes attached: 0",
    "        URL groups:",
    "        URL group ID: FE00000440000001",
    "            Number of registered URLs: 1",
    "            Registered URLs:",
    "                HTTP://*:80/", "",
    "    Request queue name: Request queue is unnamed.",
    "        Version: 2.0",
    "        State: Active",
    "        Max requests: 1000",
    "        Number of active processes attached: 2",
    "        Process IDs:",
    "            7120",
    "            7344",
    "        URL groups:",
    "        URL group ID: FE00000540000001",
    "            Number of registered URLs: 3",
    "            Registered URLs:",
    "                https://+:443/sra_{BA195980-CD49-458b-9E23-C84EE0ADCD75}/",
    "                http://localhost:5040/",
    "                https://[::1]:8443/api/", "", ""]
write("http-servicestate.txt", H)

# Transcribed: Microsoft's SDN troubleshooting guide for the "HostUnreachable"
# health alert (Azure Local / Windows Server SDN, step 2 "Validate if agents
# are listening"): the command, then its "sample output" of one request queue
# in the current layout ("Processes:", "ID: N, image: PATH", "Services:").
# The guide pastes the queue's first line without its indent; kept so.  LF.
write("http-requestq-processes-sdn.txt", [
    "netsh http show servicestate",
    "Request queue name: Request queue is unnamed.",
    "        Version: 2.0",
    "        State: Active",
    "        Request queue 503 verbosity level: Basic",
    "        Max requests: 1000",
    "        Active requests: 0",
    "        Queued requests: 0",
    "        Max queued request age: 0s",
    "        Requests arrived: 6",
    "        Requests rejected: 0",
    "        Cache hits: 0",
    "        Number of active processes attached: 1",
    "        Processes:",
    "            ID: 2688, image: C:\\Windows\\System32\\svchost.exe",
    "            Services: NcHostAgent",
    "            Tagged Service: NcHostAgent",
    "        Registered URLs:",
    "            HTTPS://+:443/HOSTAGENT/VSWITCH/", ""], eol="\n")

# Transcribed: a public write-up of the Hack The Box machine "Overwatch"
# (Windows Server, 2026), `netsh http show servicestate` run in an
# evil-winrm-py session: both views; the request queues in the current
# layout with images netsh could not name ("<?>").  LF.
write("http-servicestate-processes-unknown-image.txt", [
    "evil-winrm-py PS C:\\Users\\sqlmgmt\\Documents> netsh http show servicestate",
    "",
    "Snapshot of HTTP service state (Server Session View): ",
    "----------------------------------------------------- ",
    "",
    "Server session ID: FF00000010000001",
    "    Version: 1.0",
    "    State: Active",
    "    Properties:",
    "        Max bandwidth: 4294967295",
    "        Timeouts:",
    "            Entity body timeout (secs): 120",
    "            Drain entity body timeout (secs): 120",
    "            Request queue timeout (secs): 120",
    "            Idle connection timeout (secs): 120",
    "            Header wait timeout (secs): 120",
    "            Minimum send rate (bytes/sec): 150",
    "    URL groups:",
    "    URL group ID: FE00000020000001",
    "        State: Active",
    "        Request queue name: Request queue is unnamed.",
    "        Properties:",
    "            Max bandwidth: inherited",
    "            Max connections: inherited",
    "            Timeouts:",
    "                Timeout values inherited",
    "            Number of registered URLs: 2",
    "            Registered URLs:",
    "                HTTP://+:5985/WSMAN/",
    "                HTTP://+:47001/WSMAN/",
    "",
    "Server session ID: FD00000010000001",
    "    Version: 2.0",
    "    State: Active",
    "    Properties:",
    "        Max bandwidth: 4294967295",
    "        Timeouts:",
    "            Entity body timeout (secs): 120",
    "            Drain entity body timeout (secs): 120",
    "            Request queue timeout (secs): 120",
    "            Idle connection timeout (secs): 120",
    "            Header wait timeout (secs): 120",
    "            Minimum send rate (bytes/sec): 150",
    "    URL groups:",
    "    URL group ID: FC00000020000001",
    "        State: Active",
    "        Request queue name: Request queue is unnamed.",
    "        Properties:",
    "            Max bandwidth: inherited",
    "            Max connections: inherited",
    "            Timeouts:",
    "                Timeout values inherited",
    "            Number of registered URLs: 1",
    "            Registered URLs:",
    "                HTTP://+:8000/MONITORSERVICE/",
    "",
    "Request queues:",
    "    Request queue name: Request queue is unnamed.",
    "        Version: 1.0",
    "        State: Active",
    "        Request queue 503 verbosity level: Basic",
    "        Max requests: 1000",
    "        Number of active processes attached: 1",
    "        Processes:",
    "            ID: 1412, image: <?>",
    "        Registered URLs:",
    "            HTTP://+:5985/WSMAN/",
    "            HTTP://+:47001/WSMAN/",
    "",
    "    Request queue name: Request queue is unnamed.",
    "        Version: 2.0",
    "        State: Active",
    "        Request queue 503 verbosity level: Basic",
    "        Max requests: 1000",
    "        Number of active processes attached: 1",
    "        Processes:",
    "            ID: 4796, image: <?>",
    "        Registered URLs:",
    "            HTTP://+:8000/MONITORSERVICE/", ""], eol="\n")

# 17. Constructed: rows that fail the range checks.
write("bad-rows.txt",
      ["C:\\>netsh int ipv4 show excludedportrange protocol=tcp", "",
       EN_TITLE % "tcp", "", EN_COLS, EN_DASH,
       "     70000       70010",
       "      6000        5000",
       "99999999999999999999999 1",
       "      5357        5357  x",
       "      8080        8080",
       "", EN_FOOT, "",
       "C:\\>netsh int ipv4 show dynamicport tcp", "",
       "Protocol tcp Dynamic Port Range", "---------------------------------",
       "Start Port      : 60000", "Number of Ports : 16384", "",
       "C:\\>netsh int ipv4 show dynamicport udp", "",
       "Protocol udp Dynamic Port Range", "---------------------------------",
       "Start Port      : 49152", "Number of Ports : 0", "",
       "C:\\>netsh int ipv6 show dynamicport udp", "",
       "Protocol udp Dynamic Port Range", "---------------------------------",
       "Start Port      : 49152", ""])

# 18. Constructed: chat text and error messages, no netsh output.
write("garbage-text.txt",
      ["Error invoking remote method 'docker-start-container': Error: (HTTP "
       "code 500) server error - Ports are not available: exposing port TCP "
       "0.0.0.0:3000 -> 0.0.0.0:0: listen tcp 0.0.0.0:3000: bind: An attempt "
       "was made to access a socket in a way forbidden by its access "
       "permissions.", "",
       "1. Reboot", "2 - net stop winnat", "Port : 8080", "12:30",
       "```", "---", "| a | b |", ""])

# 19. Constructed: random bytes (fixed seed).
rnd = random.Random(20240601)
with open(os.path.join(HERE, "garbage-binary.bin"), "wb") as f:
    f.write(bytes(rnd.getrandbits(8) for _ in range(4096)))

# 20. Constructed: fixture 1 as PowerShell 5 '>' writes it (UTF-16LE, BOM).
with open(os.path.join(HERE, "en-excl-tcp4-admin.txt"), "rb") as f:
    src = f.read().decode("ascii")
with open(os.path.join(HERE, "en-excl-tcp4-admin.utf16le.txt"), "wb") as f:
    f.write(b"\xff\xfe" + src.encode("utf-16-le"))
