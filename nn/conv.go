package nn

import (
	"fmt"
	"math/rand/v2"
	"sync/atomic"

	"github.com/mrelu/mrelu/internal/kernel"
)

// Conv2D is a 2-D convolution (cross-correlation, as in every CNN
// library: no kernel flip) of K×K kernels over NHWC maps with a stride
// and zero padding:
//
//	y[n, oy, ox, co] = b[co] + Σ_{ky,kx,ci} x[n, oy·S−P+ky, ox·S−P+kx, ci] · W[(ky·K+kx)·Cin+ci, co]
//
// W is a (K·K·Cin) × Cout row-major matrix: one row per kernel tap, one
// column per output channel. That is the crossbar array of the layer
// (K·K·Cin rows × Cout column pairs, read once per output position), and
// the GEMM's B operand: the receptive fields of a block of samples are
// gathered into an im2col matrix (rows: output positions, K·K·Cin
// columns) and multiplied by W on the SIMD kernel, which yields the NHWC
// output directly.
//
// The batch is cut into ConvShards contiguous shards, and each shard
// into blocks of convBlock samples whose im2col matrix stays in the
// cache; the cores claim shards one at a time (one goroutine and one
// single-threaded GEMM each), and the weight gradient is the sum of the
// shards' in shard order, so results depend neither on the core count
// nor on which core took which shard.
// Backward gathers the receptive fields again instead of keeping them.
type Conv2D struct {
	In, Out        Shape
	K, Stride, Pad int
	W              []float32 // (K·K·In.C) × Out.C
	B              []float32 // Out.C

	// arguments of the call in progress, for the shard workers
	x, y, dx, dy []float32
	n            int
	fwd, bwd     func(w int)
	next         atomic.Int64          // next shard to claim
	cols         [][]float32           // per worker: im2col block
	gw, gb       [ConvShards][]float32 // per shard: ∂W, ∂b
}

// ConvShards is the number of parts a convolution splits a batch into.
const ConvShards = 8

// convBlock is the number of samples per im2col block.
const convBlock = 8

// ConvOutSize is the output length of a convolution or pooling window
// k with stride s and padding p over n inputs: ⌊(n + 2p − k)/s⌋ + 1.
func ConvOutSize(n, k, s, p int) int { return (n+2*p-k)/s + 1 }

// NewConv2D returns a convolution of in maps to cout channels with k×k
// kernels, stride and padding, its weights He-normal (standard deviation
// sqrt(2/(k·k·in.C)), the fan-in of one output) drawn in order from rng
// and zero biases.
func NewConv2D(in Shape, cout, k, stride, pad int, rng *rand.Rand) (*Conv2D, error) {
	if !in.valid() || cout < 1 || k < 1 || stride < 1 || pad < 0 || pad >= k {
		return nil, fmt.Errorf("%w: conv %dx%d to %d channels, stride %d, padding %d over %v", ErrShape, k, k, cout, stride, pad, in)
	}
	if in.H+2*pad < k || in.W+2*pad < k {
		return nil, fmt.Errorf("%w: %dx%d kernel larger than the padded %v input", ErrShape, k, k, in)
	}
	oh, ow := ConvOutSize(in.H, k, stride, pad), ConvOutSize(in.W, k, stride, pad)
	c := &Conv2D{In: in, Out: Shape{oh, ow, cout}, K: k, Stride: stride, Pad: pad,
		W: make([]float32, k*k*in.C*cout), B: make([]float32, cout)}
	heNormal(c.W, k*k*in.C, rng)
	return c, nil
}

// Taps is the number of rows of W, K·K·In.C.
func (c *Conv2D) Taps() int { return c.K * c.K * c.In.C }

// Shapes implements Layer.
func (c *Conv2D) Shapes() (in, out Shape) { return c.In, c.Out }

// Params implements Layer: W and B.
func (c *Conv2D) Params() []Param {
	return []Param{{Name: "W", Value: c.W, Weight: true}, {Name: "b", Value: c.B}}
}

// prepare sizes the workspaces and makes the shard functions.
func (c *Conv2D) prepare() {
	if c.fwd == nil {
		c.fwd, c.bwd = c.forwardShards, c.backwardShards
	}
	for len(c.cols) < workers.Size() {
		c.cols = append(c.cols, make([]float32, convBlock*c.Out.H*c.Out.W*c.Taps()))
	}
	if c.gw[0] == nil {
		for s := range c.gw {
			c.gw[s], c.gb[s] = make([]float32, len(c.W)), make([]float32, len(c.B))
		}
	}
}

// Forward implements Layer.
func (c *Conv2D) Forward(y, x []float32, n int) {
	c.prepare()
	c.x, c.y, c.n = x, y, n
	c.next.Store(0)
	workers.Run(c.fwd)
	c.x, c.y = nil, nil
}

// forwardShards is participant w's part of Forward: the shards it
// claims.
func (c *Conv2D) forwardShards(w int) {
	pos, co := c.Out.H*c.Out.W, c.Out.C
	c.eachBlock(w, nil, func(g *kernel.Serial, _, b, nb int, _ bool, cols []float32, m, k, ld int) {
		y := c.y[b*pos*co : (b+nb)*pos*co]
		broadcastRows(y, c.B)
		g.Sgemm(c.transposed(), false, m, co, k, 1, cols, ld, c.W, co, 1, y, co)
	})
}

// Backward implements Layer: ∂W = colsᵀ·dy, ∂b = Σ dy over samples and
// positions, and dx by scattering dy·Wᵀ back over the receptive fields
// (col2im).
func (c *Conv2D) Backward(dx, dy, x, y []float32, n int, grads [][]float32) {
	c.prepare()
	c.x, c.dx, c.dy, c.n = x, dx, dy, n
	c.next.Store(0)
	workers.Run(c.bwd)
	c.x, c.dx, c.dy = nil, nil, nil
	copy(grads[0], c.gw[0])
	copy(grads[1], c.gb[0])
	for s := 1; s < ConvShards; s++ {
		for i, v := range c.gw[s] {
			grads[0][i] += v
		}
		for i, v := range c.gb[s] {
			grads[1][i] += v
		}
	}
}

// backwardShards is participant w's part of Backward.
func (c *Conv2D) backwardShards(w int) {
	is, pos, co := c.In.Size(), c.Out.H*c.Out.W, c.Out.C
	start := func(s, lo, hi int) {
		clear(c.gw[s])
		if lo == hi {
			clear(c.gb[s])
		}
	}
	c.eachBlock(w, start, func(g *kernel.Serial, s, b, nb int, first bool, cols []float32, m, k, ld int) {
		dy := c.dy[b*pos*co : (b+nb)*pos*co]
		g.Sgemm(!c.transposed(), false, k, co, m, 1, cols, ld, dy, co, 1, c.gw[s], co)
		if first {
			sumRows(c.gb[s], dy)
		} else {
			addColumnSums(c.gb[s], dy)
		}
		switch {
		case c.dx == nil:
		case c.transposed():
			g.Sgemm(false, true, k, m, co, 1, c.W, co, dy, co, 0, cols, m)
			Col2imT(c.dx[b*is:(b+nb)*is], cols, nb, c.In, c.K, c.Stride, c.Pad)
		default:
			g.Sgemm(false, true, m, k, co, 1, dy, co, c.W, co, 0, cols, k)
			Col2im(c.dx[b*is:(b+nb)*is], cols, nb, c.In, c.K, c.Stride, c.Pad)
		}
	})
}

// eachBlock is participant w's part of a pass over the batch: it claims
// shards until none is left and, for shard s of samples lo..hi−1, calls
// start(s, lo, hi) (unless start is nil), then block for every run of at
// most convBlock samples b..b+nb−1 of the shard (first: b == lo). Before
// block, cols holds the receptive fields of the run's m = nb·OH·OW output
// positions, k = Taps values each: a k×m matrix (Im2colT) when the
// layer is transposed, else m×k (Im2col); ld is its leading dimension.
func (c *Conv2D) eachBlock(w int, start func(s, lo, hi int), block func(g *kernel.Serial, s, b, nb int, first bool, cols []float32, m, k, ld int)) {
	is, pos, k := c.In.Size(), c.Out.H*c.Out.W, c.Taps()
	g := workers.Serial(w)
	for s, ok := claim(&c.next, ConvShards); ok; s, ok = claim(&c.next, ConvShards) {
		lo, hi := span(s, ConvShards, c.n)
		if start != nil {
			start(s, lo, hi)
		}
		for b := lo; b < hi; b += convBlock {
			nb := min(convBlock, hi-b)
			m := nb * pos
			cols := c.cols[w][:m*k]
			if c.transposed() {
				Im2colT(cols, c.x[b*is:], nb, c.In, c.K, c.Stride, c.Pad)
				block(g, s, b, nb, b == lo, cols, m, k, m)
			} else {
				Im2col(cols, c.x[b*is:], nb, c.In, c.K, c.Stride, c.Pad)
				block(g, s, b, nb, b == lo, cols, m, k, k)
			}
		}
	}
}

// transposed reports whether the layer gathers its receptive fields
// tap-major (Im2colT): for a single input channel, where a tap's values
// over a row of output positions are a contiguous run of the input row,
// instead of runs of only K values per position.
func (c *Conv2D) transposed() bool { return c.In.C == 1 }

// addColumnSums adds the column sums of the len(s)-wide rows of m to s.
func addColumnSums(s, m []float32) {
	k := len(s)
	for r := 0; r+k <= len(m); r += k {
		for j, v := range m[r : r+k] {
			s[j] += v
		}
	}
}

// Im2col writes the receptive fields of n NHWC maps of shape in into
// cols, one row of k·k·in.C values per output position (sample major,
// then output row and column), ordered by kernel row, kernel column and
// channel; taps over the zero padding are 0.
func Im2col(cols, x []float32, n int, in Shape, k, stride, pad int) {
	im2col(cols, x, n, in, k, stride, pad, false)
}

// Col2im is the adjoint of Im2col: it writes into dx (n maps of shape
// in) the sum, over every output position and tap that reads an input
// value, of that tap's entry of cols. Padding taps are dropped.
func Col2im(dx, cols []float32, n int, in Shape, k, stride, pad int) {
	adjoint(im2col, dx, cols, n, in, k, stride, pad)
}

// adjoint runs the gatherer g (im2col or im2colT) backwards: it
// overwrites dx, n maps of shape in, with the sums of the entries of
// cols over the inputs they were gathered from.
func adjoint(g func(cols, x []float32, n int, in Shape, k, stride, pad int, back bool), dx, cols []float32, n int, in Shape, k, stride, pad int) {
	clear(dx[:n*in.Size()])
	g(cols, dx, n, in, k, stride, pad, true)
}

// im2col gathers x into cols, or with back adds cols back into x.
func im2col(cols, x []float32, n int, in Shape, k, stride, pad int, back bool) {
	oh, ow := ConvOutSize(in.H, k, stride, pad), ConvOutSize(in.W, k, stride, pad)
	c := in.C
	rowLen := k * c
	taps := k * rowLen
	cols = cols[:n*oh*ow*taps]
	plane := in.Size()
	for s := 0; s < n; s++ {
		xs := x[s*plane : (s+1)*plane]
		for oy := 0; oy < oh; oy++ {
			for ox := 0; ox < ow; ox++ {
				row := cols[((s*oh+oy)*ow+ox)*taps:][:taps]
				x0 := ox*stride - pad
				lo, hi := max(0, -x0), min(k, in.W-x0) // kernel columns inside the image
				for ky := 0; ky < k; ky++ {
					d := row[ky*rowLen : (ky+1)*rowLen]
					iy := oy*stride - pad + ky
					inside := iy >= 0 && iy < in.H && lo < hi
					switch {
					case back && inside:
						addTo(xs[(iy*in.W+x0+lo)*c:(iy*in.W+x0+hi)*c], d[lo*c:hi*c])
					case back:
					case !inside:
						clear(d)
					default:
						clear(d[:lo*c])
						copySmall(d[lo*c:hi*c], xs[(iy*in.W+x0+lo)*c:(iy*in.W+x0+hi)*c])
						clear(d[hi*c:])
					}
				}
			}
		}
	}
}

// addTo does d[i] += s[i], four at a time.
func addTo(d, s []float32) {
	d = d[:len(s)]
	i := 0
	for ; i+4 <= len(s); i += 4 {
		a, b := d[i:i+4:i+4], s[i:i+4:i+4]
		a[0] += b[0]
		a[1] += b[1]
		a[2] += b[2]
		a[3] += b[3]
	}
	for ; i < len(s); i++ {
		d[i] += s[i]
	}
}

// copySmall is copy for the short runs of im2col (often 5 values), where
// a loop beats the call into memmove.
func copySmall(dst, src []float32) {
	if len(src) > 16 {
		copy(dst, src)
		return
	}
	dst = dst[:len(src)]
	for j, v := range src {
		dst[j] = v
	}
}

// Im2colT writes the transpose of Im2col's matrix: one row per tap
// (kernel row, kernel column, channel), one column per output position
// of the n samples, m = n·OH·OW columns.
func Im2colT(cols, x []float32, n int, in Shape, k, stride, pad int) {
	im2colT(cols, x, n, in, k, stride, pad, false)
}

// Col2imT is the adjoint of Im2colT (it overwrites dx).
func Col2imT(dx, cols []float32, n int, in Shape, k, stride, pad int) {
	adjoint(im2colT, dx, cols, n, in, k, stride, pad)
}

// im2colT gathers x into cols tap-major, or with back scatters cols into
// x (adding).
func im2colT(cols, x []float32, n int, in Shape, k, stride, pad int, back bool) {
	oh, ow := ConvOutSize(in.H, k, stride, pad), ConvOutSize(in.W, k, stride, pad)
	m := n * oh * ow
	if !back && in.C == 1 && stride == 1 && oh == in.H && pad < k {
		im2colTShift(cols[:k*k*m], x, n, in, k, pad, ow)
		return
	}
	plane := in.Size()
	c := in.C
	for ky := 0; ky < k; ky++ {
		for kx := 0; kx < k; kx++ {
			ox0, ox1 := insideCols(kx, stride, pad, in.W, ow)
			for ci := 0; ci < c; ci++ {
				row := cols[((ky*k+kx)*c+ci)*m:][:m]
				for s := 0; s < n; s++ {
					xs := x[s*plane : (s+1)*plane]
					for oy := 0; oy < oh; oy++ {
						r := row[(s*oh+oy)*ow:][:ow]
						iy := oy*stride - pad + ky
						if iy < 0 || iy >= in.H {
							if !back {
								clear(r)
							}
							continue
						}
						base := (iy*in.W+ox0*stride-pad+kx)*c + ci
						if back {
							for ox, j := ox0, base; ox < ox1; ox, j = ox+1, j+stride*c {
								xs[j] += r[ox]
							}
							continue
						}
						clear(r[:ox0])
						if stride == 1 && c == 1 {
							copy(r[ox0:ox1], xs[base:])
						} else {
							for ox, j := ox0, base; ox < ox1; ox, j = ox+1, j+stride*c {
								r[ox] = xs[j]
							}
						}
						clear(r[ox1:])
					}
				}
			}
		}
	}
}

// im2colTShift is Im2colT for one channel, stride 1 and as many output
// rows as input rows (LeNet's first layer): the row of tap (pad, kx) is
// the images shifted by kx − pad columns, and the row of tap (ky, kx) is
// that one shifted by ky − pad image rows, so it is built with one copy
// per sample instead of one per output row.
func im2colTShift(cols, x []float32, n int, in Shape, k, pad, ow int) {
	oh := in.H
	m := n * oh * ow
	plane := oh * ow
	for kx := 0; kx < k; kx++ {
		ox0, ox1 := insideCols(kx, 1, pad, in.W, ow)
		center := cols[(pad*k+kx)*m:][:m]
		for s := 0; s < n; s++ {
			xs := x[s*in.Size() : (s+1)*in.Size()]
			for iy := 0; iy < oh; iy++ {
				r := center[(s*oh+iy)*ow:][:ow]
				clear(r[:ox0])
				copy(r[ox0:ox1], xs[iy*in.W+ox0+kx-pad:])
				clear(r[ox1:])
			}
		}
		for ky := 0; ky < k; ky++ {
			d := ky - pad
			if d == 0 {
				continue
			}
			dst := cols[(ky*k+kx)*m:][:m]
			for s := 0; s < n; s++ {
				b, src := dst[s*plane:][:plane], center[s*plane:][:plane]
				if d > 0 {
					copy(b, src[min(d, oh)*ow:])
					clear(b[max(oh-d, 0)*ow:])
				} else {
					clear(b[:min(-d, oh)*ow])
					copy(b[min(-d, oh)*ow:], src)
				}
			}
		}
	}
}

// insideCols returns the output columns ox0..ox1−1 (of ow) whose kernel
// column kx reads inside an image of width w: 0 ≤ ox·stride − pad + kx < w.
func insideCols(kx, stride, pad, w, ow int) (ox0, ox1 int) {
	ox0 = min(ow, max(0, (pad-kx+stride-1)/stride))
	ox1 = ox0
	if last := w - 1 + pad - kx; last >= 0 {
		ox1 = max(ox0, min(ow, last/stride+1))
	}
	return ox0, ox1
}
