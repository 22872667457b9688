//go:build !amd64 || noasm

package dataset

// pixelsToFloat32 writes the values of the pixel bytes src into dst,
// dst[k] = float32(src[k])/255 (the Go table; no assembly in this build).
func pixelsToFloat32(dst []float32, src []uint8) { pixelsToFloat32Go(dst, src) }

// prefetch is a hint; nothing without assembly.
func prefetch(b []uint8) {}
