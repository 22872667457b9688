package vision

import (
	"fmt"
	"math"

	"github.com/mrelu/mrelu/dataset"
)

// PatchSize is the side of the representative patches (paper, Fig. 5b-d:
// 10 x 10).
const PatchSize = 10

// Patch is a square region of the output maps.
type Patch struct {
	// Label is "A".."D" in the order of selection; Kind says what the
	// patch was chosen for: "vertical edge", "lateral edge", "mixed" or
	// "flat".
	Label string `json:"label"`
	Kind  string `json:"kind"`
	// X, Y are the top-left corner in output-map coordinates and ImageX,
	// ImageY the same pixel in the input image (they differ by one for the
	// valid boundary); Size is the side in pixels.
	X      int `json:"x"`
	Y      int `json:"y"`
	ImageX int `json:"image_x"`
	ImageY int `json:"image_y"`
	Size   int `json:"size"`
	// GradX and GradY are the mean |vertical-filter| and |lateral-filter|
	// responses over the patch (Prewitt, unitless): how much vertical and
	// lateral edge it holds.
	GradX float64 `json:"mean_abs_vertical_response"`
	GradY float64 `json:"mean_abs_lateral_response"`
}

// SelectPatches picks four representative size x size patches of the
// output maps that boundary b gives for img (size is reduced to fit small
// images), from the software responses gx of the vertical and gy of the
// lateral built-in filter summed over the patch, Sx = Σ|gx|, Sy = Σ|gy|:
//
//	A  vertical edge  largest Σgx − Sy  (a coherent dark-to-bright edge, left to right)
//	B  lateral edge   largest Σgy − Sx  (dark above, bright below)
//	C  mixed          largest min(Sx, Sy)  (a corner or texture, both signs)
//	D  flat           smallest Sx + Sy
//
// A and B have the polarity the ReLU passes, so their output maps show
// the edge; C shows both signs of the current.
// chosen in that order, each not overlapping the ones before when
// possible. Ties go to the first window in row-major order, so the choice
// is deterministic.
func SelectPatches(img *dataset.Gray, b Boundary, size int) ([]Patch, error) {
	if img == nil || img.W <= 0 || img.H <= 0 || len(img.Pix) != img.W*img.H {
		return nil, fmt.Errorf("%w: empty image", ErrImage)
	}
	ow, oh, x0, y0 := outSize(b, img.W, img.H)
	if ow < 1 || oh < 1 {
		return nil, fmt.Errorf("%w: %dx%d is too small for the %s boundary", ErrImage, img.W, img.H, b)
	}
	size = min(size, ow, oh)
	if size < 1 {
		return nil, fmt.Errorf("vision: SelectPatches: size %d", size)
	}
	// Summed-area tables of |Gx| and |Gy| over the output map.
	sx := make([]float64, (ow+1)*(oh+1))
	sy := make([]float64, (ow+1)*(oh+1))
	gxs := make([]float64, (ow+1)*(oh+1)) // signed
	gys := make([]float64, (ow+1)*(oh+1))
	vk, lk := Vertical().Weights(), Lateral().Weights()
	var win [9]float64
	for y := 0; y < oh; y++ {
		var rx, ry, qx, qy float64
		for x := 0; x < ow; x++ {
			window(&win, img, x+x0, y+y0, b)
			var gx, gy float64
			for k, v := range win {
				gx += vk[k] * v
				gy += lk[k] * v
			}
			rx += math.Abs(gx)
			ry += math.Abs(gy)
			qx += gx
			qy += gy
			i := (y+1)*(ow+1) + x + 1
			sx[i] = sx[i-(ow+1)] + rx
			sy[i] = sy[i-(ow+1)] + ry
			gxs[i] = gxs[i-(ow+1)] + qx
			gys[i] = gys[i-(ow+1)] + qy
		}
	}
	sum := func(t []float64, x, y int) float64 {
		a, c := y*(ow+1)+x, (y+size)*(ow+1)+x
		return t[c+size] - t[c] - t[a+size] + t[a]
	}
	type crit struct {
		label, kind string
		score       func(ex, ey, cx, cy float64) float64 // larger is better
	}
	crits := []crit{
		{"A", "vertical edge", func(ex, ey, cx, cy float64) float64 { return cx - ey }},
		{"B", "lateral edge", func(ex, ey, cx, cy float64) float64 { return cy - ex }},
		{"C", "mixed", func(ex, ey, cx, cy float64) float64 { return min(ex, ey) }},
		{"D", "flat", func(ex, ey, cx, cy float64) float64 { return -(ex + ey) }},
	}
	var out []Patch
	overlaps := func(x, y int) bool {
		for _, p := range out {
			if x < p.X+size && p.X < x+size && y < p.Y+size && p.Y < y+size {
				return true
			}
		}
		return false
	}
	area := float64(size * size)
	for _, c := range crits {
		best, bx, by := math.Inf(-1), -1, -1
		for pass := 0; pass < 2 && bx < 0; pass++ { // pass 1 allows overlap
			for y := 0; y+size <= oh; y++ {
				for x := 0; x+size <= ow; x++ {
					if pass == 0 && overlaps(x, y) {
						continue
					}
					if s := c.score(sum(sx, x, y), sum(sy, x, y), sum(gxs, x, y), sum(gys, x, y)); s > best {
						best, bx, by = s, x, y
					}
				}
			}
		}
		out = append(out, Patch{Label: c.label, Kind: c.kind, X: bx, Y: by, ImageX: bx + x0, ImageY: by + y0, Size: size,
			GradX: sum(sx, bx, by) / area, GradY: sum(sy, bx, by) / area})
	}
	return out, nil
}

// Extract returns the size x size block with top-left corner (x, y) of a
// w-wide row-major map, row-major: Extract(f.Vout, r.W, p.X, p.Y, p.Size)
// for a patch of an output map, Extract(img.Pix, img.W, p.ImageX,
// p.ImageY, p.Size) for the input under it.
func Extract[T float32 | float64](m []T, w, x, y, size int) []T {
	out := make([]T, 0, size*size)
	for r := y; r < y+size; r++ {
		out = append(out, m[r*w+x:r*w+x+size]...)
	}
	return out
}
