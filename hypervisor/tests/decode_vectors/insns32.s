# 32-bit instructions whose lengths hv_decode checks (see insns64.s).
# Protected-mode and trampoline code, opcodes that 64-bit mode drops, and
# the 16-bit forms reached through 66/67 prefixes.

# Opcodes invalid in 64-bit mode
push %es
pop %es
push %cs
push %ss
pop %ss
push %ds
pop %ds
daa
das
aaa
aas
pusha
popa
pushaw
bound %eax, (%ebx)
boundw %ax, (%ebx)
arpl %ax, (%ebx)
arpl %ax, %bx
into
aam
aam $16
aad
aad $16
les (%eax), %eax
lds (%eax), %ax
lcall $0x10, $0x12345678
ljmp $0x10, $0x12345678
lcallw $0x10, $0x1234
ljmpw $0x10, $0x1234
inc %eax
dec %ecx
inc %ax
dec %di

# Intercepted and system instructions
cpuid
rdmsr
wrmsr
hlt
vmmcall
vmrun
vmload
vmsave
invlpga
mov %cr0, %eax
mov %eax, %cr0
mov %eax, %cr3
mov %cr4, %eax
mov %db7, %eax
mov %eax, %db7
wbinvd
rdtsc
rdtscp
pause
int3
int $0x80
xsetbv
monitor
mwait
lgdt (%eax)
lgdtw (%eax)
lidt 0x10(%esi)
ltr %ax
lldt %ax
lmsw %ax
clts
sysenter
sysexit
iret
iretw
ljmp *(%eax)
lcall *(%eax)
in $0x71, %al
out %al, $0x80
outw %ax, %dx
rep insl
rep outsb

# MMIO accessors in 32-bit code
mov %al, (%eax)
mov %ah, (%ebx)
mov %dh, 4(%ecx)
mov %ax, (%eax)
mov %eax, (%eax)
mov %eax, 0x10(%ebp)
mov %eax, (%esp)
mov %eax, 0x12345678(%eax,%ebx,4)
mov %eax, 0x12345678
mov 0x12345678, %eax
mov 0x12345678, %al
mov %al, 0x12345678
mov %ax, 0x12345678
addr16 mov 0x1234, %eax
addr16 mov %al, 0x1234
mov %eax, (%bx,%si)
mov %eax, 0x10(%bp,%di)
mov 0x1234(%bx), %ax
mov (%bp), %eax
movb $1, (%eax)
movw $0x1234, (%eax)
movl $0x12345678, (%eax)
movw $0x1234, (%bx)
movl $0x12345678, 0x10(%bx,%si)
movzbl (%eax), %eax
movzwl (%eax), %eax
movsbw (%eax), %ax
movswl (%eax), %eax
movnti %eax, (%edi)
rep movsb
rep movsl
rep stosl
rep stosw
addr16 rep movsb
addr16 rep stosb
lodsl
orl $1, (%eax)
andl $0xffff0000, (%eax)
orw $0x1234, (%eax)
orw $1, (%eax)
xorb $1, (%eax)
addl $1, (%eax)
cmpl $0x12345678, (%eax)
testl $0x100, (%eax)
testw $0x100, (%eax)
add %eax, (%eax)
or (%eax), %ax
test %eax, (%eax)
bt %eax, (%eax)
btsl $1, (%eax)
lock btrl $1, (%eax)
lock xaddl %eax, (%eax)
xchg %eax, (%eax)
incl (%eax)
decw (%eax)
notl (%eax)
negb (%eax)

# Branches and immediates at 32-bit and 16-bit operand size
jmp .
jmp .+0x1000
call .+0x1000
jne .+0x1000
data16 jmp .+0x10
data16 call .+0x10
data16 jne .+0x10
jcxz .
jecxz .
loop .
push $0x12345678
pushw $0x1234
push $1
imul $0x1000, %eax, %ecx
imul $0x1000, %ax, %cx
add $0x1234, %ax
add $0x12345678, %eax
mov $0x12345678, %eax
mov $0x1234, %ax
ret $4
retw $4
lret $4
enter $0x10, $1
enterw $0x10, $1
pushf
pushfw
mov %eax, %ds
mov %ax, %ss
mov %cs, %ax
lss (%eax), %esp
lfs (%eax), %eax
lgs (%eax), %ax

# SSE and VEX/EVEX in 32-bit code
movups (%eax), %xmm0
movdqa %xmm7, (%esp)
pshufd $1, %xmm0, %xmm1
vaddps %ymm0, %ymm1, %ymm2
vmovdqu (%eax), %ymm7
vpshufb %xmm0, %xmm1, %xmm2
vpermq $1, %ymm0, %ymm1
vfmadd132ps %xmm0, %xmm1, %xmm2
andn %eax, %ecx, %edx
rorx $1, %eax, %ecx
vaddps %zmm0, %zmm1, %zmm2
vmovdqu32 (%eax), %zmm7
vpcmov %xmm0, %xmm1, %xmm2, %xmm3
bextr $0x1234, %eax, %ecx
extrq $1, $2, %xmm0
fldl (%eax)
fnstsw %ax
