/*
 * bcryptprimitives.dll for Wine 8, which lacks it: Go's runtime (1.22 and
 * later) draws its random bytes from ProcessPrng in this DLL and stops
 * without it. This one fills the buffer from RtlGenRandom (advapi32's
 * SystemFunction036). Used only by the Wine smoke test of the Windows build.
 */
#include <windows.h>

BOOLEAN WINAPI SystemFunction036(PVOID buffer, ULONG length);

BOOL WINAPI ProcessPrng(PBYTE data, SIZE_T size)
{
	/* RtlGenRandom takes a ULONG length: fill large buffers in parts. */
	while (size > 0) {
		ULONG n = size > 0x40000000 ? 0x40000000 : (ULONG)size;
		if (!SystemFunction036(data, n))
			return FALSE;
		data += n;
		size -= n;
	}
	return TRUE;
}
