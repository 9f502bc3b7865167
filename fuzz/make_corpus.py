#!/usr/bin/env python3
"""Regenerates the seed corpora in fuzz/corpus/ from real peers.

  fuzz/make_corpus.py [--keep DIR] [--only TARGET...]

What it does (everything private, on free loopback ports, in a temp folder):
  1. ffmpeg makes a few seconds of test media (H.264+AAC FLV, H.264+MP3 FLV,
     HEVC in MP4 and in MPEG-TS);
  2. a private nginx-rtmp runs behind a recording TCP proxy; ffmpeg and
     GStreamer publish through it, ffmpeg and rtmpdump play through it, and
     the proxy keeps every byte each side sent;
  3. the recorded byte streams, the FLV files and the records found inside
     them (AMF0 commands, avcC/hvcC/AudioSpecificConfig) are cut into small
     seeds, one folder per fuzz target. Nothing here is typed in by hand
     except the few AMF3 and AudioSpecificConfig seeds built in amf3_seeds()
     and aac_seeds() (no peer here sends AMF3 or HE-AAC), whose bytes follow
     the specs cited there.

Seeds are kept small (a few KB): libFuzzer mutates them, it does not need
whole sessions. The script needs ffmpeg, rtmpdump, gst-launch-1.0 and
nginx-light + libnginx-mod-rtmp (all in tools/setup.sh).
"""

import argparse
import hashlib
import hmac
import shutil
import struct
import sys
import tempfile
from pathlib import Path

sys.dont_write_bytecode = True  # no __pycache__ next to the corpus
from capture_peers import capture_http, capture_rtmp, make_media  # noqa: E402

HERE = Path(__file__).resolve().parent
CORPUS = HERE / "corpus"
HANDSHAKE = 1 + 1536 + 1536  # C0 C1 C2 (RTMP 1.0 §5.2)


# ---- record parsers (just enough to cut seeds) ----

def dechunk(stream, max_messages=64):
    """RTMP 1.0 §5.3 chunk stream -> [(type, stream_id, body)]; stops at the first surprise."""
    pos, chunk_size, streams, out = 0, 128, {}, []
    while pos < len(stream) and len(out) < max_messages:
        b = stream[pos]
        fmt, csid, pos = b >> 6, b & 0x3F, pos + 1
        if csid == 0:
            csid, pos = 64 + stream[pos], pos + 1
        elif csid == 1:
            csid, pos = 64 + stream[pos] + 256 * stream[pos + 1], pos + 2
        st = streams.setdefault(csid, {"len": 0, "type": 0, "sid": 0, "buf": bytearray()})
        if fmt <= 2:
            ts, pos = int.from_bytes(stream[pos:pos + 3], "big"), pos + 3
        if fmt <= 1:
            st["len"] = int.from_bytes(stream[pos:pos + 3], "big")
            st["type"] = stream[pos + 3]
            pos += 4
        if fmt == 0:
            st["sid"], pos = struct.unpack("<I", stream[pos:pos + 4])[0], pos + 4
        if fmt <= 2 and ts == 0xFFFFFF:
            pos += 4
        take = min(chunk_size, st["len"] - len(st["buf"]))
        if pos + take > len(stream):
            break
        st["buf"] += stream[pos:pos + take]
        pos += take
        if len(st["buf"]) == st["len"]:
            body = bytes(st["buf"])
            st["buf"] = bytearray()
            out.append((st["type"], st["sid"], body))
            if st["type"] == 1:
                chunk_size = int.from_bytes(body[:4], "big")
    return out


def flv_tags(data):
    """FLV 10.1 Annex E.3: [(type, timestamp_ms, body)] of the whole tags in `data`."""
    pos, out = int.from_bytes(data[5:9], "big") + 4, []
    while pos + 11 <= len(data):
        size = int.from_bytes(data[pos + 1:pos + 4], "big")
        ts = int.from_bytes(data[pos + 4:pos + 7], "big") | (data[pos + 7] << 24)
        if pos + 11 + size + 4 > len(data):
            break
        out.append((data[pos] & 0x1F, ts, data[pos + 11:pos + 11 + size]))
        pos += 11 + size + 4
    return out


def find_box(data, fourcc):
    """The payload of the first ISO BMFF box `fourcc` (searched by name; enough for ffmpeg's MP4)."""
    at = data.find(fourcc)
    if at < 4:
        return None
    size = int.from_bytes(data[at - 4:at], "big")
    return data[at + 4:at - 4 + size]


# ---- TS units for the HLS segmenter (ISO/IEC 13818-1 §2.4.3, §2.4.3.7) ----

def ts_units(ts):
    """Cuts a TS file into units as the muxer hands them to HLS: a unit starts
    at a PES start on an elementary PID; PAT/PMT packets join the next unit
    and mark it a keyframe unit. Returns [(dts_us, keyframe, bytes)]."""
    units, pending_psi, current = [], bytearray(), None
    for off in range(0, len(ts) - 187, 188):
        pkt = ts[off:off + 188]
        pid = ((pkt[1] & 0x1F) << 8) | pkt[2]
        pusi = bool(pkt[1] & 0x40)
        if pid in (0, 0x1000) or pid == 0x11:  # PAT, ffmpeg's PMT, SDT
            if pid != 0x11:
                pending_psi += pkt
            continue
        if pusi:
            afc = (pkt[3] >> 4) & 3
            p = 4 + (1 + pkt[4] if afc & 2 else 0)
            dts = 0
            if pkt[p:p + 3] == b"\x00\x00\x01":
                flags = pkt[p + 7]
                t = pkt[p + 9 + (5 if flags & 0xC0 == 0xC0 else 0):]
                ticks = ((t[0] >> 1) & 7) << 30 | t[1] << 22 | (t[2] >> 1) << 15 | t[3] << 7 | t[4] >> 1
                dts = ticks * 1000 // 90
            current = [dts, bool(pending_psi), bytearray(pending_psi)]
            pending_psi = bytearray()
            units.append(current)
        if current is not None:
            current[2] += pkt
    return [(d, k, bytes(b)) for d, k, b in units]


# ---- the harness input formats (see fuzz/packet_script.hpp) ----

def muxer_record(kind, config, key, dts_delta_us, cts_us, payload):
    op = kind | (8 if config else 0) | (16 if key else 0)
    return struct.pack(">BiiH", op, dts_delta_us, cts_us, len(payload)) + payload


def muxer_script(tags, limit_bytes):
    """FLV tags -> packet script records, as flv::packet_from_tag would make them."""
    out, last_ms = bytearray(), 0
    for tag_type, ts, body in tags:
        delta = (ts - last_ms) * 1000
        if tag_type == 9 and len(body) >= 5 and body[0] & 0x0F == 7:  # legacy AVC (E.4.3.1)
            cts = int.from_bytes(body[2:5], "big", signed=True) * 1000
            rec = muxer_record(0, body[1] == 0, body[0] >> 4 == 1, delta, cts, body[5:])
        elif tag_type == 8 and len(body) >= 2 and body[0] >> 4 == 10:  # AAC (E.4.2.1)
            rec = muxer_record(2, body[1] == 0, False, delta, 0, body[2:])
        elif tag_type == 8 and len(body) >= 1 and body[0] >> 4 == 2:  # MP3
            rec = muxer_record(3, False, False, delta, 0, body[1:])
        else:
            continue
        if len(out) + len(rec) > limit_bytes:
            break
        out += rec
        last_ms = ts
    return bytes(out)


def hevc_script(annex_b, hvcc, fps, limit_bytes):
    """An HEVC Annex B stream made with x265's aud=1 (each access unit opens
    with an AUD, ISO/IEC 23008-2 §7.4.2.4.4) -> packet script records as the
    bus carries them: the hvcC as config, then each access unit as 4-byte
    length-prefixed NAL units without AUD and parameter sets (§8.3.2 of
    ISO/IEC 14496-15), a keyframe when it holds an IRAP picture (types 16-23)."""
    nals = [n for n in annex_b.replace(b"\x00\x00\x00\x01", b"\x00\x00\x01").split(b"\x00\x00\x01") if n]
    units, current = [], None
    for nal in nals:
        nal_type = (nal[0] >> 1) & 0x3F
        if nal_type == 35:  # AUD
            current = []
            units.append(current)
        elif current is not None and nal_type not in (32, 33, 34):  # VPS, SPS, PPS
            current.append(nal)
    out = bytearray(muxer_record(1, True, False, 0, 0, hvcc))
    for au in units:
        key = any(16 <= (n[0] >> 1) & 0x3F <= 23 for n in au)
        payload = b"".join(len(n).to_bytes(4, "big") + n for n in au)
        rec = muxer_record(1, False, key, 1_000_000 // fps, 0, payload)
        if len(out) + len(rec) > limit_bytes:
            break
        out += rec
    return bytes(out)


def segmenter_record(op, dts_delta_us, wall_delta_ms, payload):
    return struct.pack(">BiiH", op, dts_delta_us, wall_delta_ms, len(payload)) + payload


# ---- hand-made seeds where no peer here produces the input ----

def amf3_seeds():
    """AMF3 (Adobe AMF 3 spec §3) values: U29 integers (§1.3.1), strings with a
    string reference (§3.8), a dynamic anonymous object whose second instance
    refers to the first's traits (§3.12), a dense+associative array (§3.11),
    a double, a date and a byte array."""
    def u29(n):
        if n < 0x80:
            return bytes([n])
        if n < 0x4000:
            return bytes([(n >> 7) | 0x80, n & 0x7F])
        if n < 0x200000:
            return bytes([(n >> 14) | 0x80, ((n >> 7) & 0x7F) | 0x80, n & 0x7F])
        return bytes([(n >> 22) | 0x80, ((n >> 15) & 0x7F) | 0x80, ((n >> 8) & 0x7F) | 0x80, n & 0xFF])

    def s(text):  # inline string: U29S-value = length << 1 | 1
        b = text.encode()
        return u29(len(b) << 1 | 1) + b

    empty = b"\x01"
    # Object, dynamic, anonymous, no sealed members: U29O-traits = 0b1011
    connect = (b"\x0A\x0B" + empty + s("app") + b"\x06" + s("live") + s("tcUrl") + b"\x06" +
               s("rtmp://127.0.0.1/live") + s("objectEncoding") + b"\x04" + u29(3) +
               s("audioCodecs") + b"\x05" + struct.pack(">d", 3575.0) + empty)
    # sealed traits with two members, then a second object reusing them (U29O-traits-ref 0b01)
    pair = (b"\x09\x05\x01" +  # array, 2 dense items, no associative part
            b"\x0A\x23" + s("Point") + s("x") + s("y") + b"\x04\x01\x04\x02" +
            b"\x0A\x01" + b"\x04\x03\x04\x04")
    # array with an associative part (name string referenced: U29S-ref 0 -> 0b00)
    mixed = b"\x09\x03" + s("name") + b"\x06" + s("seed") + empty + b"\x06\x00"
    misc = b"\x09\x07\x01" + b"\x08\x01" + struct.pack(">d", 1.7e12) + b"\x0C" + u29(4 << 1 | 1) + b"\x00\x01\x02\x03" + b"\x03"
    return {"connect_object": connect, "traits_reference": pair, "string_reference": mixed,
            "date_bytearray": misc}


def amf0_reference_bomb(string_bytes=72 * 1024, fanout=180):
    """An AMF0 (§2.9 references) ECMA array { a: object { x: long string },
    b: strict array [fanout x reference 1], c: strict array [fanout x
    reference 2] }: decoding that copies the string fanout * (fanout + 1)
    times unless the decoder bounds the text references produce (it took
    2.3 GB from 75 KB before core/src/format/amf0.cpp had max_output_bytes)."""
    def s16(text):
        b = text.encode()
        return struct.pack(">H", len(b)) + b

    ref = lambda index: b"\x07" + struct.pack(">H", index)
    return (b"\x08" + struct.pack(">I", 3) +
            s16("a") + b"\x03" + s16("x") + b"\x0c" + struct.pack(">I", string_bytes) + b"A" * string_bytes +
            s16("") + b"\x09" +
            s16("b") + b"\x0a" + struct.pack(">I", fanout) + ref(1) * fanout +
            s16("c") + b"\x0a" + struct.pack(">I", fanout) + ref(2) * fanout +
            s16("") + b"\x09")


def flv_with_script(body):
    """An FLV file (E.2, E.3) holding one script tag with `body`."""
    header = b"FLV\x01\x05" + struct.pack(">I", 9) + struct.pack(">I", 0)
    return (header + bytes([18]) + len(body).to_bytes(3, "big") + b"\x00" * 7 + body +
            struct.pack(">I", 11 + len(body)))


def after_publish(c2s, body):
    """A captured publish session up to its publish command, then one data
    message (type 18, stream 1, chunk stream 5) carrying `body`, chunked
    with the chunk size the publisher set (RTMP 1.0 §5.3.1)."""
    pos, chunk, streams = HANDSHAKE, 128, {}
    while pos < len(c2s):
        b = c2s[pos]
        fmt, csid, pos = b >> 6, b & 0x3F, pos + 1
        st = streams.setdefault(csid, {"len": 0, "type": 0, "buf": b""})
        pos += (3 if fmt <= 2 else 0)
        if fmt <= 1:
            st["len"], st["type"] = int.from_bytes(c2s[pos:pos + 3], "big"), c2s[pos + 3]
            pos += 4
        pos += (4 if fmt == 0 else 0)
        take = min(chunk, st["len"] - len(st["buf"]))
        st["buf"] += c2s[pos:pos + take]
        pos += take
        if len(st["buf"]) == st["len"]:
            message, st["buf"] = st["buf"], b""
            if st["type"] == 1:
                chunk = int.from_bytes(message[:4], "big")
            if st["type"] == 20 and b"publish" in message[:12]:
                break
    out = bytearray(c2s[:pos])
    out += bytes([0x05]) + b"\x00\x00\x00" + len(body).to_bytes(3, "big") + bytes([18]) + struct.pack("<I", 1)
    for i in range(0, len(body), chunk):
        out += (bytes([0xC5]) if i else b"") + body[i:i + chunk]
    return bytes(out)


def bits(*fields):
    """(value, width) pairs -> bytes, most significant bit first, zero padded."""
    n, total = 0, 0
    for value, width in fields:
        n, total = (n << width) | value, total + width
    pad = -total % 8
    return (n << pad).to_bytes((total + pad) // 8, "big")


def aac_seeds(captured_asc):
    """AudioSpecificConfig (ISO/IEC 14496-3 §1.6.2.1): the captured AAC-LC one
    plus forms no encoder here writes. Fields: audioObjectType (5 bits),
    samplingFrequencyIndex (4; 15 = explicit 24-bit frequency follows),
    channelConfiguration (4), then for SBR/PS the extension index (4) and the
    core object type (5), then GASpecificConfig (3 flag bits)."""
    return {
        "aac_lc_captured": captured_asc,
        # HE-AAC explicit: object 5, 24 kHz core (index 6), stereo, extension 48 kHz (index 3), core AAC-LC
        "he_aac_explicit": bits((5, 5), (6, 4), (2, 4), (3, 4), (2, 5), (0, 3)),
        # HE-AAC v2 explicit: object 29 (PS), 24 kHz, mono, extension 48 kHz, core AAC-LC
        "he_aac_v2_explicit": bits((29, 5), (6, 4), (1, 4), (3, 4), (2, 5), (0, 3)),
        # AAC-LC with an explicit frequency of 22050 Hz, mono
        "explicit_frequency": bits((2, 5), (15, 4), (22050, 24), (1, 4), (0, 3)),
        # AAC-LC 48 kHz, channel configuration 0 (a program_config_element would follow)
        "channel_config_pce": bits((2, 5), (3, 4), (0, 4), (0, 3)),
    }


def recorder_file(flv, capacity=4):
    """An FLV file in the recorder's layout (plugins/flvrecord/flv_metadata.hpp:
    onMetaData with duration, filesize, keyframes {filepositions, times} and
    keyframespadding, all AMF0 numbers), followed by the tags of `flv`, so the
    repair target can mutate a metadata the scanner recognises. The index
    holds the first keyframe only, as the recorder's does right after start."""
    def s16(text):
        b = text.encode()
        return struct.pack(">H", len(b)) + b

    def num(x):
        return b"\x00" + struct.pack(">d", x)

    def arr(xs):
        return b"\x0a" + struct.pack(">I", len(xs)) + b"".join(num(x) for x in xs)

    tags_at = int.from_bytes(flv[5:9], "big") + 4
    body = lambda first_keyframe: (
        b"\x02" + s16("onMetaData") + b"\x08" + struct.pack(">I", 4) +
        s16("hasVideo") + b"\x01\x01" + s16("duration") + num(0) + s16("filesize") + num(len(flv)) +
        s16("keyframes") + b"\x03" + s16("filepositions") + arr([first_keyframe]) + s16("times") + arr([0.0]) +
        s16("") + b"\x09" + s16("keyframespadding") + arr([0.0] * 2 * (capacity - 1)) + s16("") + b"\x09")
    size = len(body(0.0))
    meta = body(float(13 + 11 + size + 4))  # the tag after the metadata
    header = b"FLV\x01\x05" + struct.pack(">I", 9) + struct.pack(">I", 0)
    tag = bytes([18]) + len(meta).to_bytes(3, "big") + b"\x00" * 7 + meta + struct.pack(">I", 11 + len(meta))
    rest = flv[tags_at:]
    first = flv_tags(flv)[0]
    if first[0] == 18:  # drop ffmpeg's own onMetaData
        rest = rest[11 + len(first[2]) + 4:]
    return header + tag + rest


# ---- writing ----

ONLY = set()  # --only: the targets whose seeds are rewritten (empty: all)


def write(target, name, data):
    if ONLY and target not in ONLY:
        return
    folder = CORPUS / target
    folder.mkdir(parents=True, exist_ok=True)
    (folder / name).write_bytes(data)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--keep", type=Path, help="keep the raw captures and media in this folder")
    parser.add_argument("--only", nargs="+", default=[], metavar="TARGET",
                        help="rewrite only these targets' seeds (the others keep theirs)")
    args = parser.parse_args()
    ONLY.update(args.only)
    for tool in ("ffmpeg", "rtmpdump", "gst-launch-1.0", "nginx"):
        if not shutil.which(tool):
            sys.exit(f"make_corpus: {tool} not found (see tools/setup.sh)")
    tmp = Path(tempfile.mkdtemp(prefix="streamgate-corpus-"))
    try:
        media = make_media(tmp)
        sessions = capture_rtmp(tmp, media)
        if args.keep:
            args.keep.mkdir(parents=True, exist_ok=True)
            for i, (label, c2s, s2c) in enumerate(sessions):
                (args.keep / f"{i}_{label}_c2s.bin").write_bytes(c2s)
                (args.keep / f"{i}_{label}_s2c.bin").write_bytes(s2c)
            for name, data in media.items():
                (args.keep / name).write_bytes(data)
        for target in ("rtmp_handshake", "rtmp_chunk_reader", "rtmp_server_protocol", "amf0_decode",
                       "amf3_decode", "flv_tag", "flv_repair", "avc_config", "hevc_config",
                       "aac_config", "mpegts_muxer", "hls_segmenter", "http_request", "http_route_pattern", "xml_config", "access_query"):
            if not ONLY or target in ONLY:
                shutil.rmtree(CORPUS / target, ignore_errors=True)

        seen_labels = set()
        for label, c2s, s2c in sessions:
            if len(c2s) < HANDSHAKE or label in seen_labels:
                continue
            seen_labels.add(label)
            write("rtmp_handshake", label, c2s[:HANDSHAKE])
            write("rtmp_chunk_reader", label + "_client", c2s[HANDSHAKE:HANDSHAKE + 4096])
            if len(s2c) > HANDSHAKE:
                write("rtmp_chunk_reader", label + "_server", s2c[HANDSHAKE:HANDSHAKE + 4096])
            write("rtmp_server_protocol", label, c2s[:HANDSHAKE + 4096])
            commands = [body for msg_type, _, body in dechunk(c2s[HANDSHAKE:])
                        if msg_type in (18, 20) and len(body) < 2048]
            for i, body in enumerate(commands[:4]):
                write("amf0_decode", f"{label}_{i}", body)
        write("rtmp_handshake", "plain_c0c1_only", sessions[0][1][:1 + 1536])
        # AMF0 reference replay: found by hand, fixed in the decoder, kept as regression seeds
        bomb = amf0_reference_bomb()
        onmetadata = b"\x02\x00\x0aonMetaData" + bomb
        write("amf0_decode", "reference_replay_bomb", bomb)
        write("flv_tag", "onmetadata_reference_replay_bomb", flv_with_script(onmetadata))
        publish = next(c2s for label, c2s, _ in sessions if label == "ffmpeg_publish")
        write("rtmp_server_protocol", "publish_onmetadata_reference_replay_bomb", after_publish(publish, onmetadata))

        flv = media["avc_aac.flv"]
        tags = flv_tags(flv)
        write("flv_tag", "avc_aac", flv[:4096])
        write("flv_tag", "avc_high_mp3", media["avc_high_mp3.flv"][:4096])
        write("flv_tag", "audio_only", media["audio_only.flv"][:2048])
        write("flv_repair", "avc_aac_torn", flv[:3000])
        write("flv_repair", "avc_high_mp3", media["avc_high_mp3.flv"][:4096])
        write("flv_repair", "recorder_layout", recorder_file(flv)[:4096])
        for tag_type, _, body in tags:
            if tag_type == 18:
                write("amf0_decode", "flv_onmetadata", body)
                break
        avc = next(b for t, _, b in tags if t == 9 and b[0] & 0x0F == 7 and b[1] == 0)
        write("avc_config", "baseline", avc[5:])
        high = flv_tags(media["avc_high_mp3.flv"])
        write("avc_config", "high", next(b for t, _, b in high if t == 9 and b[1] == 0)[5:])
        hvcc = find_box(media["hevc.mp4"], b"hvcC")
        if hvcc is None:
            sys.exit("make_corpus: no hvcC box in ffmpeg's HEVC MP4")
        write("hevc_config", "x265", hvcc)
        asc = next(b for t, _, b in tags if t == 8 and b[1] == 0)[2:]
        for name, data in aac_seeds(asc).items():
            write("aac_config", name, data)
        for name, data in amf3_seeds().items():
            write("amf3_decode", name, data)

        write("mpegts_muxer", "avc_aac", muxer_script(tags, 6144))
        write("mpegts_muxer", "avc_high_mp3", muxer_script(high, 6144))
        write("mpegts_muxer", "hevc", hevc_script(media["hevc.hevc"], hvcc, 15, 10240))
        write("mpegts_muxer", "audio_only", muxer_script(flv_tags(media["audio_only.flv"]), 3072))

        units = ts_units(media["avc_aac.ts"])
        records, size, last = [], 0, 0
        for dts, key, data in units:
            rec = segmenter_record(1 if key else 0, dts - last, 40, data)
            if size + len(rec) > 8192:
                break
            records.append(rec)
            size += len(rec)
            last = dts
        write("hls_segmenter", "avc_aac_units", b"".join(records))
        # a republish, half the units, lost media, the rest, the end
        half = len(records) // 2
        write("hls_segmenter", "republish_lost_media",
              segmenter_record(5, 0, 0, b"") + b"".join(records[:half]) + segmenter_record(6, 0, 0, b"") +
              b"".join(records[half:]) + segmenter_record(7, 0, 0, b""))
        for name, data in capture_http().items():
            write("http_request", name, data)
        # route patterns: two patterns and a path, newline-separated (see
        # fuzz/http_route_pattern.cpp); the patterns the HLS and MPEG-TS
        # plugins register against paths their players ask for
        for name, text in {
            "hls_playlist": "/{app}/{stream}.m3u8\n/{app}/{stream}/{seq}.ts\n/live/seed.m3u8",
            "hls_segment": "/{app}/{stream}/{seq}.ts\n/{app}/{stream}.ts\n/live/seed/12.ts",
            "same_shape": "/{app}/{stream}.ts\n/{a}/{b}.ts\n/live/seed.ts",
            "prefix_suffix": "/api/v{version}/x-{name}.json\n/api/{all}/{rest}\n/api/v1/x-seed.json",
            "dot_dot_value": "/{app}/{stream}.ts\n/\n/live/...ts",
        }.items():
            write("http_route_pattern", name, text.encode())
        # the shipped config, and the same with the settings the plugin READMEs show
        etc = (HERE.parent / "etc" / "streamgate.xml").read_text()
        write("xml_config", "etc_streamgate", etc.encode())
        configured = etc.replace(
            '<plugin name="mpegts" enabled="true">',
            '<plugin name="mpegts" enabled="true" apps="live" http-wait="2s" audio-group-frames="1"'
            ' pmt-pid="0x1000" psi-interval="400ms">').replace(
            '<plugin name="hls" enabled="true">',
            '<plugin name="hls" enabled="true" fragment="2s">\n    <playlist-length>30s</playlist-length>\n'
            '    <on-end>endlist</on-end>')
        write("xml_config", "plugins_configured", configured.encode())
        write("xml_config", "flvrecord_enabled",
              etc.replace('<plugin name="flvrecord" enabled="false">', '<plugin name="flvrecord" enabled="true">').encode())
        security = (HERE.parent / "docs" / "security.md").read_text()
        app_rules = next(block.split("```")[0] for block in security.split("```xml")[1:] if "<app" in block)
        write("xml_config", "access_rules", etc.replace('<app name="live"/>', app_rules.strip()).encode())
        write("xml_config", "minimal", b'<streamgate><http listen="[::1]:8080, 127.0.0.1:8081"/>'
              b'<app name="live"/><plugin name="hls" max-fragment="4s"/></streamgate>\n')
        # access: query, stream path, peer (see fuzz/access_query.cpp, whose
        # configured keys and token secret these use; the token follows
        # docs/security.md: hex HMAC-SHA256(secret, "<app>/<stream>:<expires>"))
        secret, expires = b"0123456789abcdef0123456789abcdef", 1700000060
        token = hmac.new(secret, f"live/cam1:{expires}".encode(), hashlib.sha256).hexdigest()
        for name, text in {
            "right_key": "key=correct-horse-battery\nlive/cam1\n10.0.0.7:50000",
            "wrong_key": "key=studio-a-7f3k2\nlive/cam1\n[::ffff:10.0.0.7]:1935",
            "token": f"expires={expires}&token={token}\nlive/cam1\n[2001:db8::1]:443",
            "expired_token": f"token={token}&expires=1600000000\nlive/cam1\n::1",
            "escaped_query": "key=a%26call%3Dplay&name=x+y&token=%zz\nlive/cam%2F1\n127.0.0.1",
        }.items():
            write("access_query", name, text.encode())
        print(f"make_corpus: wrote {sum(1 for _ in CORPUS.rglob('*') if _.is_file())} seeds to {CORPUS}")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
