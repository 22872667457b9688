package nn

import (
	"fmt"
	"sync/atomic"
)

// Pool is the geometry of a pooling layer, K×K windows moved by Stride
// over In (no padding), and the Layer methods that come with it.
type Pool struct {
	In, Out   Shape
	K, Stride int
}

// newPool checks the window against in and returns the geometry.
func newPool(in Shape, k, stride int) (Pool, error) {
	if !in.valid() || k < 1 || stride < 1 || k > in.H || k > in.W {
		return Pool{}, fmt.Errorf("%w: %dx%d pooling, stride %d, over %v", ErrShape, k, k, stride, in)
	}
	out := Shape{ConvOutSize(in.H, k, stride, 0), ConvOutSize(in.W, k, stride, 0), in.C}
	return Pool{In: in, Out: out, K: k, Stride: stride}, nil
}

// Shapes implements Layer.
func (p *Pool) Shapes() (in, out Shape) { return p.In, p.Out }

// Params implements Layer: none.
func (p *Pool) Params() []Param { return nil }

// MaxPool2D keeps the largest value of every K×K window (stride Stride,
// no padding) per channel. The gradient flows to the first maximum of
// each window (in row-major window order) only. Forward is branch-free
// (a data-dependent branch per compare would mispredict often); Backward
// finds the maximum again by comparing the window with the output.
// Samples are pooled on all cores (see team).
type MaxPool2D struct {
	Pool

	x, y, dx, dy []float32
	n            int
	fwd, bwd     func(w int)
	next         atomic.Int64 // next block of samples to claim
}

// poolBlock is the number of samples a pooling participant claims at once.
const poolBlock = 25

// NewMaxPool2D returns a max pooling of in maps.
func NewMaxPool2D(in Shape, k, stride int) (*MaxPool2D, error) {
	g, err := newPool(in, k, stride)
	if err != nil {
		return nil, err
	}
	return &MaxPool2D{Pool: g}, nil
}

// Forward implements Layer.
func (p *MaxPool2D) Forward(y, x []float32, n int) {
	if p.fwd == nil {
		p.fwd, p.bwd = p.forwardPart, p.backwardPart
	}
	p.x, p.y, p.n = x, y, n
	p.next.Store(0)
	workers.Run(p.fwd)
	p.x, p.y = nil, nil
}

// forwardPart pools the blocks of samples participant w claims.
func (p *MaxPool2D) forwardPart(w int) {
	blocks := (p.n + poolBlock - 1) / poolBlock
	for k, ok := claim(&p.next, blocks); ok; k, ok = claim(&p.next, blocks) {
		for s := k * poolBlock; s < min((k+1)*poolBlock, p.n); s++ {
			p.poolSample(s)
		}
	}
}

// poolSample pools sample s of p.x into p.y.
func (p *MaxPool2D) poolSample(s int) {
	in, out, c := p.In, p.Out, p.In.C
	xs := p.x[s*in.Size() : (s+1)*in.Size()]
	ys := p.y[s*out.Size() : (s+1)*out.Size()]
	for oy := 0; oy < out.H; oy++ {
		for ox := 0; ox < out.W; ox++ {
			yo := ys[(oy*out.W+ox)*c:][:c]
			first := (oy*p.Stride*in.W + ox*p.Stride) * c
			copy(yo, xs[first:first+c])
			for ky := 0; ky < p.K; ky++ {
				row := xs[((oy*p.Stride+ky)*in.W+ox*p.Stride)*c:][:p.K*c]
				for kx := 0; kx < p.K; kx++ {
					for ch, v := range row[kx*c : kx*c+c] {
						yo[ch] = max(yo[ch], v)
					}
				}
			}
		}
	}
}

// Backward implements Layer.
func (p *MaxPool2D) Backward(dx, dy, x, y []float32, n int, grads [][]float32) {
	if dx == nil {
		return
	}
	if p.bwd == nil {
		p.fwd, p.bwd = p.forwardPart, p.backwardPart
	}
	p.x, p.y, p.dx, p.dy, p.n = x, y, dx, dy, n
	p.next.Store(0)
	workers.Run(p.bwd)
	p.x, p.y, p.dx, p.dy = nil, nil, nil, nil
}

func (p *MaxPool2D) backwardPart(w int) {
	found := make([]uint8, p.In.C)
	blocks := (p.n + poolBlock - 1) / poolBlock
	for k, ok := claim(&p.next, blocks); ok; k, ok = claim(&p.next, blocks) {
		for s := k * poolBlock; s < min((k+1)*poolBlock, p.n); s++ {
			p.unpoolSample(s, found)
		}
	}
}

// unpoolSample routes sample s's output gradient p.dy to the first
// maximum of each window in p.dx, branch-free (found, one per channel,
// marks the channels already served in the current window).
func (p *MaxPool2D) unpoolSample(s int, found []uint8) {
	in, out, c := p.In, p.Out, p.In.C
	xs := p.x[s*in.Size() : (s+1)*in.Size()]
	d := p.dx[s*in.Size() : (s+1)*in.Size()]
	clear(d)
	ys := p.y[s*out.Size() : (s+1)*out.Size()]
	gs := p.dy[s*out.Size() : (s+1)*out.Size()]
	found = found[:c]
	if p.K == 2 && p.Stride == 2 {
		p.unpool2(xs, d, ys, gs)
		return
	}
	for oy := 0; oy < out.H; oy++ {
		for ox := 0; ox < out.W; ox++ {
			o := (oy*out.W + ox) * c
			ym, gm := ys[o:o+c], gs[o:o+c]
			clear(found)
			for ky := 0; ky < p.K; ky++ {
				i := ((oy*p.Stride+ky)*in.W + ox*p.Stride) * c
				row, drow := xs[i:i+p.K*c], d[i:i+p.K*c]
				for kx := 0; kx < p.K; kx++ {
					for ch := range c {
						e := b2u(row[kx*c+ch] == ym[ch]) &^ found[ch]
						found[ch] |= e
						drow[kx*c+ch] += gm[ch] * float32(e)
					}
				}
			}
		}
	}
}

// unpool2 is unpoolSample for 2×2 windows of stride 2, unrolled: of the
// four inputs of a window, the first equal to the maximum gets the
// gradient (f0..f3 are 1 for it and 0 for the others).
func (p *MaxPool2D) unpool2(xs, d, ys, gs []float32) {
	in, out, c := p.In, p.Out, p.In.C
	row := in.W * c
	for oy := 0; oy < out.H; oy++ {
		for ox := 0; ox < out.W; ox++ {
			o := (oy*out.W + ox) * c
			i := (2*oy*in.W + 2*ox) * c
			x0, x1, x2, x3 := xs[i:i+c], xs[i+c:i+2*c], xs[i+row:i+row+c], xs[i+row+c:i+row+2*c]
			d0, d1, d2, d3 := d[i:i+c], d[i+c:i+2*c], d[i+row:i+row+c], d[i+row+c:i+row+2*c]
			for ch, m := range ys[o : o+c] {
				g := gs[o+ch]
				f0 := b2f(x0[ch] == m)
				f1 := b2f(x1[ch] == m) * (1 - f0)
				f2 := b2f(x2[ch] == m) * (1 - f0 - f1)
				f3 := b2f(x3[ch] == m) * (1 - f0 - f1 - f2)
				d0[ch], d1[ch], d2[ch], d3[ch] = g*f0, g*f1, g*f2, g*f3
			}
		}
	}
}

// b2f is 1 for true and 0 for false, without a branch.
func b2f(b bool) float32 { return float32(b2u(b)) }

// b2u is 1 for true and 0 for false, without a branch.
func b2u(b bool) uint8 {
	var u uint8
	if b {
		u = 1
	}
	return u
}

// AvgPool2D averages every K×K window (stride Stride, no padding) per
// channel: the subsampling of the original LeNet-5 without its trainable
// gain.
type AvgPool2D struct{ Pool }

// NewAvgPool2D returns an average pooling of in maps.
func NewAvgPool2D(in Shape, k, stride int) (*AvgPool2D, error) {
	g, err := newPool(in, k, stride)
	if err != nil {
		return nil, err
	}
	return &AvgPool2D{g}, nil
}

// window calls f(o, i) for every output value o of one sample and every
// input value i of its window.
func (p *AvgPool2D) window(f func(o, i int)) {
	in, out, c := p.In, p.Out, p.In.C
	for oy := 0; oy < out.H; oy++ {
		for ox := 0; ox < out.W; ox++ {
			o := (oy*out.W + ox) * c
			for ky := 0; ky < p.K; ky++ {
				for kx := 0; kx < p.K; kx++ {
					i := ((oy*p.Stride+ky)*in.W + ox*p.Stride + kx) * c
					for ch := range c {
						f(o+ch, i+ch)
					}
				}
			}
		}
	}
}

// Forward implements Layer.
func (p *AvgPool2D) Forward(y, x []float32, n int) { p.average(y, x, n, false) }

// Backward implements Layer.
func (p *AvgPool2D) Backward(dx, dy, x, y []float32, n int, grads [][]float32) {
	if dx != nil {
		p.average(dx, dy, n, true)
	}
}

// average writes dst[o] = Σ src[i]/K² over each window (forward), or with
// back spreads each src[o]/K² over its window's dst[i].
func (p *AvgPool2D) average(dst, src []float32, n int, back bool) {
	dn, sn := p.Out.Size(), p.In.Size()
	if back {
		dn, sn = sn, dn
	}
	inv := 1 / float32(p.K*p.K)
	dst = dst[:n*dn]
	clear(dst)
	for s := 0; s < n; s++ {
		d, x := dst[s*dn:(s+1)*dn], src[s*sn:(s+1)*sn]
		if back {
			p.window(func(o, i int) { d[i] += x[o] * inv })
		} else {
			p.window(func(o, i int) { d[o] += x[i] * inv })
		}
	}
}
