# 16-bit instructions whose lengths hv_decode checks (see insns64.s): real
# mode and boot trampolines, 16-bit addressing, and 32-bit forms reached
# through 66/67 prefixes.

# Real-mode trampoline code
cli
cld
xor %ax, %ax
mov %ax, %ds
mov %ax, %ss
mov $0x7c00, %sp
mov %cs, %ax
lgdtl (%bx)
lgdt 0x1234
lidt (%si)
mov %cr0, %eax
or $1, %eax
orl $1, %eax
mov %eax, %cr0
mov %eax, %cr4
mov %eax, %cr3
ljmp $0x08, $0x1234
ljmpl $0x08, $0x12345678
lcall $0x08, $0x1234
data32 ljmp *(%bx)
ljmp *(%bx)
mov $0xc0000080, %ecx
rdmsr
wrmsr
hlt
jmp .
jmp .+0x100
jmp .+0x1000
call .+0x1000
jne .+0x1000
data32 jmp .+0x10
data32 call .+0x10
jcxz .
jecxz .
loop .
int $0x10
int $0x15
iret
iretl
ret
retl
lret
lret $2
cpuid
vmmcall
wbinvd
in $0x92, %al
out %al, $0x92
inw %dx, %ax
outl %eax, %dx

# 16-bit addressing forms
mov %al, (%bx,%si)
mov %al, (%bx,%di)
mov %al, (%bp,%si)
mov %al, (%bp,%di)
mov %al, (%si)
mov %al, (%di)
mov %al, 0x1234
mov %al, (%bx)
mov %ax, 0x10(%bx,%si)
mov %ax, -0x10(%bp)
mov %ax, 0x1234(%bx,%di)
mov %ax, (%bp)
mov 0x1234, %al
mov 0x1234, %ax
mov %ax, 0x1234
mov 0x1234, %eax
addr32 mov 0x12345678, %ax
mov %eax, (%eax)
mov %eax, 0x12345678(%eax,%ebx,4)
mov %ax, (%esp)
movb $1, (%bx)
movw $0x1234, 2(%bx)
movl $0x12345678, (%bx)
movw $0x1234, 0x1234(%bx,%si)
movzbw (%bx), %ax
movzbl (%si), %eax
movswl (%bx), %eax
lea 0x10(%bx,%si), %ax
les (%bx), %ax
lds (%bx), %si
lss (%bx), %sp

# 16-bit and 32-bit operand size
push %ax
push %eax
push $1
push $0x1234
pushl $0x12345678
pusha
pushal
popa
add $0x1234, %ax
add $0x12345678, %eax
addw $0x1234, (%bx)
addl $0x12345678, (%bx)
addl $1, (%bx)
test $0x1234, %ax
testl $0x12345678, (%bx)
mov $0x1234, %ax
mov $0x12345678, %eax
imul $0x1234, %ax, %cx
imul $0x12345678, %eax, %ecx
enter $0x10, $0
enterl $0x10, $0
inc %ax
dec %si
inc %eax
bound %ax, (%bx)
arpl %ax, (%bx)
aam
aad
daa
push %cs
push %es
pop %es
rep movsb
rep movsw
rep movsl
addr32 rep movsb
rep stosw
lodsb
xlat
rep outsw
orw $1, (%bx)
orl $1, (%bx)
btw $1, (%bx)
btsl %eax, (%bx)
lock incw (%bx)
xchg %ax, (%bx)
fninit
fldcw (%bx)
movups (%bx), %xmm0
