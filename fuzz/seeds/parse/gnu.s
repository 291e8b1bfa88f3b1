.intel_syntax noprefix
.code64
start:
    push rbp
    mov rbp, rsp
    mov eax, dword ptr [rdi + 8*rcx - 16]
    lea rsi, [rip + table]
    add qword ptr fs:[0x28], 0x7f
    vaddps zmm0 {k1} {z}, zmm1, dword ptr [rax]{1to16}
    vaddpd zmm2, zmm3, zmm4, {rn-sae}
    fadd st(0), st(3)
1:  dec ecx
    jnz 1b
    jmp short 2f
    .byte 0x90, 'a', -1
2:  mov eax, offset table + 4
    movabs rax, 0x1122334455667788
    lock xadd dword ptr [rdx], ecx   # comment
    rep movsb ; ret
table: .quad start, 0xffffffffffffffff /* block */
    .ascii "a\n\x41\101"
    .asciz "z"
    .equ K, 3 * (4 + 5) << 2
    mov eax, K
