->entry:
    mov eax, DWORD [rax + rcx*8 + 16]
    add Rq(3), 1
    mov QWORD [rsp + 8], Rq(12)
back:
    dec ecx
    jnz <back
    jmp >fwd
    lea rax, [NOSPLIT rbx*2]
    mov eax, [BYTE rax + 8]
fwd:
    movaps Rx(7), OWORD [rax]
    .alias acc, rax
    add acc, 1
    jmp ->entry
    call extern 0x1000
