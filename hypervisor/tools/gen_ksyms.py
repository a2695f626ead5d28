#!/usr/bin/env python3
"""Generates the hypervisor's symbol table (see include/hv/ksyms.h).

Reads `nm -n` output of the first link on stdin and writes an assembly file
with a sorted array of {u64 address, u32 name offset, u32 0} entries,
its length, and the names. Only text symbols.
"""
import sys

syms = []
for line in sys.stdin:
    parts = line.split()
    if len(parts) != 3 or parts[1] not in "tT":
        continue
    addr = int(parts[0], 16)
    if addr < 0xffffffff80000000:
        continue  # the 32-bit boot code runs before there is anyone to ask
    syms.append((addr, parts[2]))

out = ['\t.section .ksyms, "a"', "\t.balign 8", "\t.globl hv_ksyms_table",
       "hv_ksyms_table:"]
offset = 0
names = []
for addr, name in sorted(set(syms)):
    out.append(f"\t.quad 0x{addr:x}\n\t.long {offset}, 0")
    names.append(name)
    offset += len(name) + 1
out.append("\t.globl hv_ksyms_count")
out.append(f"hv_ksyms_count:\n\t.long {len(names)}")
out.append("\t.globl hv_ksyms_names")
out.append("hv_ksyms_names:")
for name in names:
    out.append(f'\t.asciz "{name}"')
print("\n".join(out))
