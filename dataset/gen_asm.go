//go:build ignore

// gen_asm writes the amd64 assembly of package dataset, pixels_amd64.s:
// pixelsAVX512, the conversion of pixel bytes to float32, and
// prefetchBytes, the cache hint for a minibatch's next images
// (pixels_amd64.go). Run it with "go generate" in this directory; the
// header, the argument frames and the argument loads come from
// internal/asmgen.

package main

import (
	"log"

	"github.com/mrelu/mrelu/internal/asmgen"
)

// generator names this program in the file it writes.
const generator = "gen_asm.go"

func main() {
	f := asmgen.NewFile(generator, "amd64 && !noasm")
	f.Func("pixelsAVX512(dst *float32, src *uint8, n int, scale float64)",
		`dst[i] = float32(float64(src[i]) * scale) for i < n, n a positive
multiple of 16: each byte widened to int32 (VPMOVZXBD), converted exactly
to float64, multiplied by scale and rounded once to float32 (the
default round-to-nearest-even of MXCSR, as Go's conversion). With scale
= 1/255 this equals float32(v)/255 for every byte v (pixels_test.go
checks all 256), so the results are those of the Go table.`,
		"dst=DI src=SI n=CX scale=Z31")
	f.Label("loop")
	// 16 bytes as two halves of 8: bytes -> int32 -> float64, times scale,
	// -> float32.
	f.Ins("VPMOVZXBD (SI), Y0", "VPMOVZXBD 8(SI), Y2",
		"VCVTDQ2PD Y0, Z1", "VCVTDQ2PD Y2, Z3",
		"VMULPD Z31, Z1, Z1", "VMULPD Z31, Z3, Z3",
		"VCVTPD2PS Z1, Y1", "VCVTPD2PS Z3, Y3",
		"VMOVUPS Y1, (DI)", "VMOVUPS Y3, 32(DI)")
	f.Ins("ADDQ $16, SI", "ADDQ $64, DI", "SUBQ $16, CX", "JNZ loop", "VZEROUPPER", "RET")

	f.Func("prefetchBytes(p *uint8, n int)",
		"PREFETCHT0 of every 64-byte line of p[:n], n > 0 (a hint: never faults).",
		"p=SI n=CX")
	f.Label("ploop")
	f.Ins("PREFETCHT0 (SI)", "ADDQ $64, SI", "SUBQ $64, CX", "JG ploop", "RET")
	if err := asmgen.WriteFile("pixels_amd64.s", f.Bytes()); err != nil {
		log.Fatal(err)
	}
}
