# 64-bit instructions whose lengths hv_decode checks (gen_vectors.py
# assembles each line with GNU as and reads its length back with objdump).
# One instruction a line, AT&T syntax; "#" starts a comment.

# Instructions the hypervisor intercepts
cpuid
rdmsr
wrmsr
hlt
vmmcall
vmcall
invlpga
invlpga %rax, %ecx
vmrun
vmload
vmsave
stgi
clgi
skinit
mov %cr0, %rax
mov %cr3, %r15
mov %rax, %cr4
mov %r8, %cr8
mov %cr2, %rdx
mov %db7, %rax
mov %rcx, %db0
mov %rax, %db6
wbinvd
invd
rdtsc
rdtscp
rdpmc
pause
int3
int $0x80
int1
xsetbv
xgetbv
monitor
mwait
monitorx
mwaitx
invlpg (%rax)
invlpg 0x1000(%rip)
clts
lgdt (%rax)
lidt 8(%rsp)
sgdt (%rdi)
sidt (%rdi)
lldt %ax
ltr %dx
sldt %eax
str %eax
smsw %eax
lmsw %ax
in $0x71, %al
in %dx, %eax
in $0x60, %ax
out %al, $0x80
out %eax, %dx
out %ax, %dx
insb
insl
outsb
outsw
rep insb
rep outsl
iretq
iretl
sysretl
sysretq
syscall
swapgs
rdpid %rax
rdpru
clzero
invlpgb
tlbsync
rdrand %eax
rdseed %r11
rdfsbase %rax
wrgsbase %rbx
rdpkru
wrpkru
ud2
ud1 %eax, %ecx
ud0 %eax, %ecx
serialize

# MMIO accessors: MOV and friends with every addressing form
mov %al, (%rax)
mov %ah, (%rbx)
mov %sil, (%rdi)
mov %r8b, (%r9)
mov %ax, 0x10(%rbx)
mov %eax, 0x1000(%rbx)
mov %rax, -8(%rbp)
mov %r15, (%r12)
mov %r15, (%r13)
mov %ecx, (%rsp)
mov %ecx, 4(%rsp)
mov %edx, (%rax,%rbx)
mov %edx, (%rax,%rbx,2)
mov %edx, 0x7f(%rax,%rbx,4)
mov %edx, 0x80(%rax,%rbx,8)
mov %edx, 0x12345678(,%rbx,8)
mov %edx, (%r8,%r12,4)
mov %edx, (%rbp,%r12,1)
mov %edx, 0x12345678
mov %edx, 0x10(%rip)
mov %dl, -0x10(%rip)
mov (%rax), %al
mov (%rax), %ah
mov 0x20(%rdx), %cx
mov 0x20(%rdx), %ecx
mov 0x20(%rdx), %rcx
mov 0x20(%rdx), %r10d
mov (%rdx,%rsi,4), %r10
mov %eax, %fs:(%rax)
mov %gs:0x28, %rax
mov %eax, %es:(%rdi)
movb $0x12, (%rax)
movw $0x1234, (%rax)
movl $0x12345678, (%rax)
movq $-1, (%rax)
movq $0x7fffffff, 0x10(%rax,%rbx,8)
movb $1, 0x12345678(%rip)
movl $1, 0x12345678(%rip)
movw $1, 0x12345678(%rip)
movabs 0x1122334455667788, %al
movabs 0x1122334455667788, %ax
movabs 0x1122334455667788, %eax
movabs 0x1122334455667788, %rax
movabs %al, 0x1122334455667788
movabs %eax, 0x1122334455667788
movabs %rax, 0x1122334455667788
addr32 movabs 0x11223344, %eax
mov %gs:0x1122334455667788, %eax
movzbl (%rax), %eax
movzbw (%rax), %ax
movzwl (%rax), %eax
movzbq (%rax), %rax
movzwq 8(%rax), %r9
movsbl (%rax), %eax
movswl (%rax), %eax
movsbq (%rax), %rax
movswq (%rax), %rax
movslq (%rax), %rax
movslq %eax, %rdx
movnti %eax, (%rdi)
movnti %rax, (%rdi)
movbe (%rax), %eax
movbe %rax, (%rdi)
rep movsb
rep movsw
rep movsl
rep movsq
rep stosb
rep stosw
rep stosl
rep stosq
movsb
movsl
stosb
stosq
lodsb
lodsq
rep lodsl
repe cmpsb
repne scasb
cmpsq
scasw
addr32 rep movsb
addr32 stosl
fs movsb
movsq %fs:(%rsi), %es:(%rdi)

# ALU with memory operands, all sizes, all immediate forms
add %al, (%rax)
add %eax, (%rax)
add %rax, (%rax)
add %ax, (%rax)
add (%rax), %bl
add (%rax), %ebx
or %cl, (%rdx)
or %ecx, 4(%rdx)
or (%rdx), %rcx
adc %al, (%rax)
adc (%rax), %r8
sbb %al, (%rax)
sbb (%rax), %r8d
and %edi, (%rsi)
and (%rsi), %edi
sub %r9, (%r10)
sub (%r10), %r9w
xor %r11b, (%r12)
xor (%r12), %spl
cmp %eax, (%rbx)
cmp (%rbx), %eax
test %eax, (%rbx)
test %al, (%rbx)
test %rax, (%rbx)
addb $1, (%rax)
addw $1, (%rax)
addw $0x1234, (%rax)
addl $1, (%rax)
addl $0x12345678, (%rax)
addq $1, (%rax)
addq $0x12345678, (%rax)
orl $0x80000000, (%rax)
orq $-0x80000000, (%rax)
andl $0xfffffffe, 4(%rax)
andb $0x7f, (%rax)
xorl $1, 0x100(%rax)
subl $4, (%rax)
cmpl $0, (%rax)
cmpb $0xff, (%rax)
cmpq $0x1000, 8(%rax,%rcx,8)
adcl $0, (%rax)
sbbl $0, (%rax)
testb $1, (%rax)
testw $1, (%rax)
testl $0x100, (%rax)
testq $0x100, (%rax)
notl (%rax)
negq (%rax)
mulb (%rax)
imull (%rax)
divl (%rax)
idivq (%rax)
incl (%rax)
decb (%rax)
incq 8(%rax)
decw (%rax)
lock orl $1, (%rax)
lock andl $0, (%rax)
lock incl (%rax)
lock decq (%rax)
lock xaddl %eax, (%rdx)
lock cmpxchgl %ecx, (%rdx)
lock cmpxchg8b (%rdi)
lock cmpxchg16b (%rdi)
xchg %eax, (%rdx)
xchg %al, (%rdx)
xchg %rax, (%rdx)
bt %eax, (%rdx)
bts %rax, (%rdx)
btr %ax, (%rdx)
btc %eax, (%rdx)
btl $3, (%rdx)
btsq $63, (%rdx)
btrw $15, (%rdx)
btcl $31, (%rdx)
lock btsl $0, (%rdx)
lock btrq %rax, (%rdx)
shll (%rax)
shrl $3, (%rax)
sarl %cl, (%rax)
rolb (%rax)
rorw $1, (%rax)
rclq $2, (%rax)
rcrl %cl, (%rax)
shld $4, %eax, (%rdx)
shrd %cl, %eax, (%rdx)
seta (%rax)
setne %al
cmove (%rax), %eax
cmovl %rax, %rbx

# One-byte map, register and immediate forms
add $1, %al
add $0x1234, %ax
add $0x12345678, %eax
add $0x12345678, %rax
add $-1, %rax
add $1, %r8
add $0x1000, %r8
or $1, %al
adc $1, %eax
sbb $1, %ax
and $1, %rax
sub $1, %eax
xor $1, %eax
cmp $1, %eax
test $1, %al
test $0x100, %ax
test $0x100, %eax
test $0x100, %rax
push %rax
push %r15
pushw %ax
pop %rbx
pop %r12
popw %ax
push $1
push $0x1000
pushw $0x1000
push (%rax)
pop (%rax)
pushq 8(%rsp)
pushf
popf
pushfw
imul $3, %eax, %ecx
imul $0x1000, %eax, %ecx
imul $0x1000, %ax, %cx
imul $0x1000, (%rax), %rcx
imul (%rax), %eax
mov %es, %eax
mov %ds, (%rax)
mov %eax, %ds
mov (%rax), %ss
lea (%rax), %eax
lea 0x10(%rax,%rbx,4), %rcx
lea 0x10(%rip), %rcx
lea 0x10(%eax), %ecx
nop
xchg %eax, %ecx
xchg %rax, %r8
xchg %ax, %dx
cbtw
cwtl
cltq
cwtd
cltd
cqto
fwait
sahf
lahf
mov $1, %al
mov $1, %r8b
mov $0x1234, %ax
mov $0x12345678, %eax
mov $0x12345678, %r9d
movabs $0x1122334455667788, %rax
movabs $0x1122334455667788, %r15
mov $-1, %rax
ret
ret $8
retw
lretl
lretl $8
lretq
enter $0x10, $0
enter $0x1000, $3
leave
leavew
int $3
xlat
loop .
loope .
loopne .
jrcxz .
jecxz .
jmp .
jmp .+0x1000
call .+0x1000
jne .
jne .+0x1000
ja .+0x100
data16 jmp .+0x10
data16 call .+0x10
jmp *%rax
jmp *(%rax)
jmpq *0x10(%rip)
call *%rax
call *(%rax,%rbx,8)
ljmp *(%rax)
lcall *(%rax)
rex.W ljmp *(%rax)
cmc
clc
stc
cli
sti
cld
std
notrack jmp *%rax
bnd jmp *%rax
xacquire lock incl (%rax)
xrelease movl $0, (%rax)
xbegin .
xbegin .+0x1000
xabort $1
xend
xtest
endbr64
endbr32
nopw 0(%rax,%rax,1)
nopl 0x100(%rax)
.byte 0x66,0x2e,0x0f,0x1f,0x84,0,0,0,0,0   # data16 cs nopw
.byte 0x66,0x66,0x66,0x66,0x66,0x2e,0x0f,0x1f,0x84,0,0,0,0,0   # 14 bytes
.byte 0x66,0x66,0x66,0x66,0x66,0x66,0x66,0x66,0x66,0x66,0x2e,0x0f,0x1f,0x40,0   # 15 bytes

# x87
flds (%rax)
fldl 8(%rax)
fldt (%rax)
fstp %st(1)
fadd %st(2), %st
faddp
fninit
fnstsw %ax
fnstcw (%rax)
fldcw (%rax)
fxsave (%rax)
fxrstor64 (%rax)
fsqrt
fsin
fucomip %st(1), %st
fcmovb %st(1), %st
fisttpl (%rax)
fbld (%rax)
frstor (%rax)
fnsave (%rax)

# Two-byte map
lar %ax, %ax
lsl (%rax), %eax
verr %ax
verw (%rax)
getsec
rsm
cpuid
femms
prefetch (%rax)
prefetchw (%rax)
prefetcht0 (%rax)
prefetcht1 (%rax)
prefetcht2 (%rax)
prefetchnta (%rax)
clflush (%rax)
clflushopt (%rax)
clwb (%rax)
lfence
mfence
sfence
ldmxcsr (%rax)
stmxcsr (%rax)
xsave (%rax)
xsave64 (%rax)
xrstor (%rax)
xsaveopt (%rax)
xsavec (%rax)
xsaves (%rax)
xrstors (%rax)
bswap %eax
bswap %r9
bswap %rax
popcnt %eax, %ecx
popcnt (%rax), %rcx
lzcnt %eax, %ecx
tzcnt (%rax), %ecx
bsf %eax, %ecx
bsr (%rax), %rcx
xadd %al, %bl
cmpxchg %rax, %rbx
push %fs
pop %gs
pushw %fs
shld $1, %eax, %ecx
shrd %cl, %rax, %rcx
imul %eax, %ecx
movups (%rax), %xmm0
movups %xmm1, (%rax)
movss (%rax), %xmm0
movsd %xmm1, (%rax)
movupd %xmm1, %xmm2
movhlps %xmm1, %xmm2
movlps (%rax), %xmm1
unpcklps %xmm1, %xmm2
movhps %xmm8, (%rax)
movaps (%rax), %xmm15
movntps %xmm0, (%rax)
cvtsi2ss %eax, %xmm0
cvtsi2sdq (%rax), %xmm0
cvttss2si %xmm0, %eax
cvtsd2si %xmm0, %rax
ucomiss %xmm0, %xmm1
comisd (%rax), %xmm1
cvtpi2ps %mm0, %xmm1
cvttps2pi %xmm0, %mm1
movmskps %xmm0, %eax
sqrtps %xmm0, %xmm1
rsqrtss %xmm0, %xmm1
rcpps (%rax), %xmm1
andps %xmm0, %xmm1
xorpd %xmm0, %xmm1
addps %xmm0, %xmm1
mulsd %xmm0, %xmm1
cvtps2pd %xmm0, %xmm1
cvtdq2ps %xmm0, %xmm1
subss %xmm0, %xmm1
maxpd (%rax), %xmm1
punpcklbw %mm0, %mm1
punpcklbw %xmm0, %xmm1
packsswb %xmm0, %xmm1
pcmpgtd %mm0, %mm1
punpcklqdq %xmm0, %xmm1
movd %eax, %mm0
movd %eax, %xmm0
movq %rax, %xmm0
movq (%rax), %mm0
movdqa (%rax), %xmm0
movdqu %xmm0, (%rax)
pshufw $1, %mm0, %mm1
pshufd $1, %xmm0, %xmm1
pshufhw $1, %xmm0, %xmm1
pshuflw $1, (%rax), %xmm1
psrlw $1, %mm0
psraw $1, %xmm0
psllw $1, %xmm8
psrld $1, %xmm0
psrad $1, %mm0
pslld $1, %xmm0
psrlq $1, %xmm0
psrldq $1, %xmm0
psllq $1, %mm0
pslldq $1, %xmm0
pcmpeqb %xmm0, %xmm1
emms
extrq $1, $2, %xmm0
extrq %xmm1, %xmm0
insertq $1, $2, %xmm1, %xmm0
insertq %xmm1, %xmm0
vmread %rax, %rbx
vmwrite %rax, %rbx
haddpd %xmm0, %xmm1
hsubps %xmm0, %xmm1
movd %xmm0, %eax
movq %xmm0, %xmm1
movdqa %xmm0, (%rax)
cmpps $1, %xmm0, %xmm1
cmpeqsd %xmm0, %xmm1
pinsrw $1, %eax, %xmm0
pextrw $1, %xmm0, %eax
shufps $1, %xmm0, %xmm1
shufpd $1, (%rax), %xmm1
addsubpd %xmm0, %xmm1
psrlw %xmm0, %xmm1
paddq %mm0, %mm1
movq2dq %mm0, %xmm1
movdq2q %xmm0, %mm1
pmovmskb %xmm0, %eax
pavgb %xmm0, %xmm1
cvttpd2dq %xmm0, %xmm1
cvtdq2pd %xmm0, %xmm1
movntdq %xmm0, (%rax)
movntq %mm0, (%rax)
lddqu (%rax), %xmm0
pmaddwd %xmm0, %xmm1
maskmovq %mm0, %mm1
maskmovdqu %xmm0, %xmm1
paddd %xmm0, %xmm1
vmptrld (%rax)
vmptrst (%rax)
vmclear (%rax)
vmxon (%rax)
vmxoff
vmlaunch
vmresume
invept (%rax), %rax
invvpid (%rax), %rax
invpcid (%rax), %rax

# 3DNow! (0F 0F)
pfadd %mm0, %mm1
pfmul (%rax), %mm1
pi2fd %mm0, %mm1
pavgusb %mm0, %mm1

# Three-byte maps 0F 38 and 0F 3A
pshufb %mm0, %mm1
pshufb %xmm0, %xmm1
phaddw (%rax), %xmm1
pmulhrsw %xmm0, %xmm1
pblendvb %xmm0, %xmm1, %xmm2
blendvps %xmm0, (%rax), %xmm2
ptest %xmm0, %xmm1
pabsd %xmm0, %xmm1
pmovsxbw %xmm0, %xmm1
pmuldq %xmm0, %xmm1
movntdqa (%rax), %xmm1
packusdw %xmm0, %xmm1
pmovzxdq %xmm0, %xmm1
pcmpgtq %xmm0, %xmm1
pmaxud %xmm0, %xmm1
pmulld %xmm0, %xmm1
phminposuw %xmm0, %xmm1
sha1nexte %xmm0, %xmm1
sha256rnds2 %xmm0, %xmm1, %xmm2
sha256msg2 %xmm0, %xmm1
gf2p8mulb %xmm0, %xmm1
aesimc %xmm0, %xmm1
aesenc %xmm0, %xmm1
aesdeclast (%rax), %xmm1
crc32b %al, %ecx
crc32l (%rax), %ecx
crc32q %rax, %rcx
adcx %eax, %ecx
adox (%rax), %rcx
wrssd %eax, (%rcx)
wrussq %rax, (%rcx)
movdiri %eax, (%rcx)
movdir64b (%rax), %rcx
enqcmd (%rax), %rcx
enqcmds (%rax), %rcx
roundps $1, %xmm0, %xmm1
roundsd $1, (%rax), %xmm1
blendpd $1, %xmm0, %xmm1
pblendw $1, %xmm0, %xmm1
palignr $1, %mm0, %mm1
palignr $1, %xmm0, %xmm1
pextrb $1, %xmm0, %eax
pextrd $1, %xmm0, (%rax)
pextrq $1, %xmm0, %rax
extractps $1, %xmm0, %eax
pinsrb $1, %eax, %xmm0
insertps $1, %xmm0, %xmm1
pinsrq $1, %rax, %xmm0
dpps $1, %xmm0, %xmm1
mpsadbw $1, %xmm0, %xmm1
pclmulqdq $1, %xmm0, %xmm1
pcmpestri $1, %xmm0, %xmm1
pcmpistrm $1, (%rax), %xmm1
sha1rnds4 $1, %xmm0, %xmm1
gf2p8affineqb $1, %xmm0, %xmm1
aeskeygenassist $1, %xmm0, %xmm1

# VEX (AVX, AVX2, FMA, F16C, BMI, AES/PCLMUL/GFNI/VAES)
vzeroupper
vzeroall
vmovups (%rax), %ymm0
vmovups %ymm8, (%r9)
vmovss (%rax), %xmm0
vmovsd %xmm1, %xmm2, %xmm3
vaddps %ymm0, %ymm1, %ymm2
vaddps %ymm8, %ymm9, %ymm10
vaddsd (%rax,%rbx,8), %xmm1, %xmm2
vmulpd 0x100(%rip), %ymm1, %ymm2
vxorps %xmm0, %xmm0, %xmm0
vpxor %ymm0, %ymm1, %ymm2
vmovdqa %ymm0, (%rax)
vmovdqu (%rax), %ymm15
vmovd %eax, %xmm0
vmovq %rax, %xmm0
vmovq %xmm0, %rax
vpshufd $1, %ymm0, %ymm1
vpsrlw $1, %xmm0, %xmm1
vpslldq $1, %ymm0, %ymm1
vcmpps $1, %ymm0, %ymm1, %ymm2
vpinsrw $1, %eax, %xmm0, %xmm1
vpextrw $1, %xmm0, %eax
vshufps $1, %xmm0, %xmm1, %xmm2
vldmxcsr (%rax)
vstmxcsr (%rax)
vcvtsi2ss %rax, %xmm0, %xmm1
vcvttsd2si %xmm0, %rax
vmovmskps %ymm0, %eax
vlddqu (%rax), %ymm0
vmaskmovdqu %xmm0, %xmm1
vpshufb %ymm0, %ymm1, %ymm2
vpermilps %ymm0, %ymm1, %ymm2
vtestps %ymm0, %ymm1
vcvtph2ps %xmm0, %ymm1
vbroadcastss (%rax), %ymm0
vbroadcastsd %xmm0, %ymm1
vbroadcasti128 (%rax), %ymm0
vpmaskmovd (%rax), %ymm0, %ymm1
vpermd %ymm0, %ymm1, %ymm2
vpsllvd %ymm0, %ymm1, %ymm2
vpgatherdd %ymm0, (%rax,%ymm1,4), %ymm2
vgatherqpd %ymm0, 8(%rax,%ymm1,8), %ymm2
vfmadd132ps %ymm0, %ymm1, %ymm2
vfmadd231sd (%rax), %xmm1, %xmm2
vfnmsub213pd %ymm0, %ymm1, %ymm2
vaesenc %ymm0, %ymm1, %ymm2
vpclmulqdq $1, %ymm0, %ymm1, %ymm2
vgf2p8affineqb $1, %ymm0, %ymm1, %ymm2
vpermq $1, %ymm0, %ymm1
vpermpd $1, (%rax), %ymm1
vpblendd $1, %ymm0, %ymm1, %ymm2
vpermilpd $1, %ymm0, %ymm1
vroundps $1, %ymm0, %ymm1
vblendvps %ymm0, %ymm1, %ymm2, %ymm3
vpblendvb %xmm0, (%rax), %xmm2, %xmm3
vinsertf128 $1, %xmm0, %ymm1, %ymm2
vextracti128 $1, %ymm0, (%rax)
vperm2i128 $1, %ymm0, %ymm1, %ymm2
vcvtps2ph $1, %ymm0, %xmm1
vpcmpestri $1, %xmm0, %xmm1
andn %eax, %ecx, %edx
andn (%rax), %rcx, %rdx
bextr %eax, %ecx, %edx
blsr %eax, %ecx
blsmsk (%rax), %rcx
blsi %rax, %rcx
bzhi %eax, %ecx, %edx
pdep %rax, %rcx, %rdx
pext %eax, %ecx, %edx
mulx %rax, %rcx, %rdx
sarx %eax, %ecx, %edx
shlx %rax, (%rcx), %rdx
shrx %eax, %ecx, %edx
rorx $1, %eax, %ecx
rorx $1, (%rax), %rcx
kmovw %k1, %k2
kmovq %k1, %rax
kandw %k1, %k2, %k3
knotb %k1, %k2
kortestw %k1, %k2
kunpckbw %k1, %k2, %k3
kshiftlw $1, %k1, %k2
vpdpbusd %ymm0, %ymm1, %ymm2
{vex} vpdpbusd %xmm0, %xmm1, %xmm2

# EVEX (AVX-512)
vaddps %zmm0, %zmm1, %zmm2
vaddps %zmm16, %zmm17, %zmm31
vaddps (%rax), %zmm1, %zmm2
vaddps 0x40(%rax), %zmm1, %zmm2
vaddps 0x44(%rax), %zmm1, %zmm2
vaddps (%rax){1to16}, %zmm1, %zmm2
vaddps {rn-sae}, %zmm0, %zmm1, %zmm2
vaddps %zmm0, %zmm1, %zmm2{%k1}{z}
vmovdqu64 (%rax), %zmm0
vmovdqa32 %zmm0, 0x1000(%rax)
vmovups %xmm16, (%rax)
vpxord %zmm0, %zmm1, %zmm2
vpternlogd $0xff, %zmm0, %zmm1, %zmm2
vpcmpeqd %zmm0, %zmm1, %k1
vpcmpd $1, %zmm0, %zmm1, %k1
vcmpps $1, %zmm0, %zmm1, %k1
vpshufd $1, %zmm0, %zmm1
vprold $1, %zmm0, %zmm1
vpsrlq $1, %zmm0, %zmm1
vcvttps2udq %zmm0, %zmm1
vcvtps2udq %zmm0, %zmm1
vcvtudq2pd %ymm0, %zmm1
vcvtusi2sd %eax, %xmm0, %xmm1
vpermt2d %zmm0, %zmm1, %zmm2
vpgatherdd (%rax,%zmm1,4), %zmm0{%k1}
vscatterdps %zmm0, (%rax,%zmm1,4){%k1}
vextracti64x4 $1, %zmm0, %ymm1
vinserti32x4 $1, %xmm0, %zmm1, %zmm2
vpbroadcastd %eax, %zmm0
vcompressps %zmm0, (%rax){%k1}
vpopcntd %zmm0, %zmm1
vaddph %zmm0, %zmm1, %zmm2
vcvtph2psx %ymm0, %zmm1
vfmadd132ph %zmm0, %zmm1, %zmm2
vgetmantph $1, %zmm0, %zmm1
vmovsh (%rax), %xmm0
vpdpbusd %zmm0, %zmm1, %zmm2
{evex} vpaddd %xmm0, %xmm1, %xmm2

# XOP, TBM, LWP (AMD)
vpcmov %xmm0, %xmm1, %xmm2, %xmm3
vprotb $1, %xmm0, %xmm1
vprotd %xmm0, %xmm1, %xmm2
vfrczps %xmm0, %xmm1
vphaddbw (%rax), %xmm1
vpcomb $1, %xmm0, %xmm1, %xmm2
vpmacsdd %xmm0, %xmm1, %xmm2, %xmm3
bextr $0x1234, %eax, %ecx
bextr $0x1234, (%rax), %rcx
blcfill %eax, %ecx
blsic %rax, %rcx
t1mskc (%rax), %ecx
llwpcb %eax
slwpcb %rax
lwpins $0x12345678, %eax, %ecx
lwpval $0x12345678, (%rax), %rcx
