#!/usr/bin/env python3
"""Writes the reference instruction lengths that hv_decode checks the
decoder against, measured by GNU binutils (as + objdump), not by us.

Two sources, for each code size (16, 32, 64):

  asm    the hand-written instruction lists insns16.s, insns32.s,
         insns64.s next to this script, assembled by `as`; each
         instruction is put under its own label and objdump reports its
         bytes.
  sweep  a systematic byte sweep: every opcode of the one-byte, 0F, 0F38
         and 0F3A maps and of the VEX, EVEX and XOP maps, with a set of
         prefixes and ModRM/SIB forms, each in a 16-byte slot of its own
         (a label, then the bytes, then filler); objdump decodes the
         first instruction of each slot.

objdump runs with -M amd64 in 64-bit mode, so a 66 prefix shortens near
branches to rel16 as on AMD processors. With -M i8086 it decodes 16-bit
protected-mode code (C4/C5 with a register ModRM are VEX, not LES/LDS). A slot is left out when objdump
calls its first instruction (bad) or splits off a prefix as an instruction
of its own (it does so for a REX followed by a legacy prefix, which the
processor ignores instead): its length is then not objdump's to give.

Output, one vector per line:
    <bits> <source> <length> <hex bytes> | <objdump's text>
The hex bytes are at least <length> long (sweep slots carry filler).

Usage: gen_vectors.py OUTPUT
"""
import os
import re
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))

# Bytes after the tested ones: distinct values, none a prefix, so any
# displacement or immediate taken from them is plain data.
FILLER = bytes([0x11, 0x22, 0x33, 0x44, 0x55, 0x01, 0x77, 0x88, 0x99, 0xaa,
                0xbb, 0xcc, 0xdd, 0xee, 0x12, 0x34])
SLOT = 16

# What objdump prints for a prefix it did not attach to an instruction.
PREFIX_WORDS = {"rex", "rex.w", "rex.r", "rex.x", "rex.b", "rex.wr", "rex.wx",
                "rex.wb", "rex.rx", "rex.rb", "rex.xb", "rex.wrx", "rex.wrb",
                "rex.wxb", "rex.rxb", "rex.wrxb", "data16", "data32",
                "addr16", "addr32", "lock", "repz", "repnz", "rep", "repe",
                "repne", "cs", "ds", "es", "ss", "fs", "gs", "bnd", "notrack",
                "xacquire", "xrelease"}

# Slots left out although objdump decodes them, by their bytes after the
# prefixes: opcodes that neither AMD's nor Intel's manual assigns (the
# decoder rejects them), and FWAIT, which objdump joins to the x87
# instruction after it while the processor executes it on its own.
NOT_REFERENCE = [
    ([0x0f, 0x24], "MOV from test registers (386/486 only)"),
    ([0x0f, 0x26], "MOV to test registers (386/486 only)"),
    ([0x0f, 0xa6], "VIA PadLock"),
    ([0x0f, 0xa7], "VIA PadLock"),
    ([0x9b], "FWAIT, a one-byte instruction of its own"),
]
LEGACY_PREFIXES = {0x26, 0x2e, 0x36, 0x3e, 0x64, 0x65, 0x66, 0x67, 0xf0, 0xf2, 0xf3}

MODES = {
    16: {"as": "--32", "directive": ".code16", "objdump": "i8086"},
    32: {"as": "--32", "directive": ".code32", "objdump": "i386"},
    64: {"as": "--64", "directive": ".code64", "objdump": "x86-64,amd64"},
}


def modrm_tails():
    """ModRM (+SIB) byte sequences: every reg value with a memory form, a
    disp8 SIB form and a register form, the displacement-only and disp32
    forms, and every register form with reg 0 and reg 7."""
    tails = []
    for reg in range(8):
        r = reg << 3
        tails += [[0x00 | r], [0x44 | r, 0x24], [0xc0 | r]]
    tails += [[0x05], [0x04, 0x25], [0x80], [0x84, 0x24], [0x40],
              [0x06], [0x86], [0x0c, 0x8d]]
    tails += [[0xc0 | rm] for rm in range(1, 8)]
    tails += [[0xf8 | rm] for rm in range(1, 8)]
    return tails


FULL_TAILS = modrm_tails()
FEW_TAILS = [[0x00], [0x44, 0x24], [0xc0], [0x05], [0x84, 0x24], [0xd0]]


def legacy_prefix_sets(bits, three_byte=False):
    if three_byte:
        sets = [[0x66], [0xf2], [0xf3]]
        return sets + ([[0x66, 0x48]] if bits == 64 else [])
    sets = [[0x66], [0x67], [0xf3], [0xf2]]
    if bits == 64:
        sets += [[0x48], [0x66, 0x48], [0x41], [0x40]]
    return sets


def legacy_slots(bits):
    """The one-byte and 0F/0F38/0F3A maps."""
    maps = [([], range(256)), ([0x0f], range(256)),
            ([0x0f, 0x38], range(256)), ([0x0f, 0x3a], range(256))]
    for escape, opcodes in maps:
        three = len(escape) == 2
        for op in opcodes:
            if not escape and op == 0x0f:
                continue
            if escape == [0x0f] and op in (0x38, 0x3a):
                continue
            code = escape + [op]
            tails = FULL_TAILS[:] if not three else FEW_TAILS
            if code == [0x0f, 0x01]:
                tails = tails + [[m] for m in range(0xc0, 0x100)]
            for t in tails:
                yield code + t
            for pfx in legacy_prefix_sets(bits, three):
                for t in FEW_TAILS:
                    yield pfx + code + t


def vex_slots(bits):
    """VEX (C5, C4), EVEX (62) and XOP (8F) encodings of every opcode."""
    heads = [[0xc5, b1] for b1 in (0xf8, 0xf9, 0xfd, 0xfb)]
    for mmmmm in (1, 2, 3):
        for b2 in (0x79, 0xfd, 0x78, 0x7b):
            heads.append([0xc4, 0xe0 | mmmmm, b2])
    for mmm in (1, 2, 3, 5, 6):
        for p1 in (0x7d, 0xfd, 0x7c, 0x7e):
            heads.append([0x62, 0xf0 | mmm, p1, 0x48])
    for mmmmm in (8, 9, 10):
        for b2 in (0x78, 0xf8, 0x7c):
            heads.append([0x8f, 0xe0 | mmmmm, b2])
    if bits == 64:
        heads += [[0xc4, 0x41, 0x79], [0xc5, 0x79], [0x62, 0x61, 0x7d, 0x40]]
    for head in heads:
        for op in range(256):
            for t in FEW_TAILS[:5]:
                yield head + [op] + t


def sweep_slots(bits):
    yield from legacy_slots(bits)
    if bits != 16:  # objdump decodes 16-bit code as real mode: no VEX
        yield from vex_slots(bits)


def run(cmd, **kw):
    return subprocess.run(cmd, check=True, stdout=subprocess.PIPE,
                          universal_newlines=True, **kw).stdout


INSN_LINE = re.compile(r"^\s*[0-9a-f]+:\t([0-9a-f ]+?)\s*\t(.*)$")
LABEL_LINE = re.compile(r"^[0-9a-f]+ <v(\d+)>:$")


def disassemble(bits, body, tmp):
    """Assembles body (labels v0, v1, ...) and returns {label: (hex, text)}
    for the first instruction objdump decodes at each label."""
    mode = MODES[bits]
    src = os.path.join(tmp, "v%d.s" % bits)
    obj = os.path.join(tmp, "v%d.o" % bits)
    with open(src, "w") as f:
        f.write(mode["directive"] + "\n" + body)
    run(["as", mode["as"], "-o", obj, src])
    out = run(["objdump", "-d", "-z", "--insn-width=16", "-M", mode["objdump"], obj])
    first = {}
    label = None
    for line in out.splitlines():
        m = LABEL_LINE.match(line)
        if m:
            label = int(m.group(1))
            continue
        m = INSN_LINE.match(line)
        if m and label is not None and label not in first:
            first[label] = (m.group(1).replace(" ", ""), m.group(2).strip())
    return first


def not_reference(slot, bits):
    """True if the slot's opcode is one of NOT_REFERENCE."""
    i = 0
    while i < len(slot) and (slot[i] in LEGACY_PREFIXES or
                             (bits == 64 and slot[i] & 0xf0 == 0x40)):
        i += 1
    return any(list(slot[i:i + len(op)]) == op for op, _ in NOT_REFERENCE)


def only_prefixes(text):
    return all(w.lower() in PREFIX_WORDS for w in text.split())


def sweep_vectors(bits, tmp):
    slots = []
    for code in sweep_slots(bits):
        slots.append(bytes(code + list(FILLER))[:SLOT])
    body = "".join("v%d: .byte %s\n" % (i, ",".join(str(b) for b in s))
                   for i, s in enumerate(slots))
    first = disassemble(bits, body, tmp)
    for i, s in enumerate(slots):
        hexbytes, text = first.get(i, ("", "(bad)"))
        if "(bad)" in text or only_prefixes(text) or not hexbytes or \
                not_reference(s, bits):
            continue
        yield "%d sweep %d %s | %s" % (bits, len(hexbytes) // 2, s.hex(), text)


def asm_vectors(bits, tmp):
    path = os.path.join(HERE, "insns%d.s" % bits)
    lines = []
    with open(path) as f:
        for line in f:
            line = line.split("#")[0].strip()
            if line:
                lines.append(line)
    body = "".join("v%d: %s\n" % (i, l) for i, l in enumerate(lines))
    first = disassemble(bits, body, tmp)
    for i, line in enumerate(lines):
        hexbytes, text = first[i]
        if "(bad)" in text or only_prefixes(text):
            sys.exit("%s: objdump cannot decode `%s` (%s)" % (path, line, text))
        yield "%d asm %d %s | %s" % (bits, len(hexbytes) // 2, hexbytes, line)


def main():
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    out = []
    with tempfile.TemporaryDirectory() as tmp:
        for bits in (16, 32, 64):
            out += asm_vectors(bits, tmp)
            out += sweep_vectors(bits, tmp)
    with open(sys.argv[1] + ".tmp", "w") as f:
        f.write("\n".join(out) + "\n")
    os.replace(sys.argv[1] + ".tmp", sys.argv[1])


if __name__ == "__main__":
    main()
