/* A stand-in for Windows' bcryptprimitives.dll, for Wine 8 (CI only, never shipped).
 *
 * Rust's standard library (1.78+) takes its randomness from ProcessPrng in bcryptprimitives.dll
 * (Windows 10+); Wine 8 has no such DLL, so any Rust extension, cryptography's (used by the
 * tests' throwaway TLS certificates) among them, fails to load: "DLL load failed while importing
 * _rust". This forwards to RtlGenRandom (advapi32's SystemFunction036), the same system CSPRNG. */
#include <windows.h>

BOOLEAN WINAPI SystemFunction036(PVOID buffer, ULONG length);

__declspec(dllexport) BOOL WINAPI ProcessPrng(PBYTE data, SIZE_T length)
{
    while (length) {
        ULONG chunk = length > 0x40000000 ? 0x40000000 : (ULONG)length;
        if (!SystemFunction036(data, chunk))
            return FALSE;
        data += chunk;
        length -= chunk;
    }
    return TRUE;
}
