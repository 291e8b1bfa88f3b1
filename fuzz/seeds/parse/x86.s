.code32
    mov eax, [ebx + esi*4 + 0x10]
    aaa
    push cs
    jmp 0x10:0x20
    ljmp 0x10, 0x20
    mov al, byte ptr [0x1234]
    int 0x80
