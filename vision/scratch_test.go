package vision

import (
	"fmt"
	"math"
	"math/rand/v2"
	"sort"
	"testing"

	"github.com/mrelu/mrelu/dataset"
	"github.com/mrelu/mrelu/neuron"
)

func pearson(a, b []float64) float64 {
	var ma, mb float64
	for i := range a {
		ma += a[i]
		mb += b[i]
	}
	ma /= float64(len(a))
	mb /= float64(len(a))
	var sab, saa, sbb float64
	for i := range a {
		sab += (a[i] - ma) * (b[i] - mb)
		saa += (a[i] - ma) * (a[i] - ma)
		sbb += (b[i] - mb) * (b[i] - mb)
	}
	return sab / math.Sqrt(saa*sbb)
}

func TestScratch(t *testing.T) {
	g, err := dataset.LoadGray("camera-160.png")
	if err != nil {
		t.Fatal(err)
	}
	c, _ := neuron.Transfer(neuron.Default(), neuron.Linspace(-1e-6, 8e-6, 400))
	ev, _ := neuron.NewEvaluator(c)
	at := func(x, y int) float64 {
		x = min(max(x, 0), g.W-1)
		y = min(max(y, 0), g.H-1)
		return g.At(x, y)
	}
	kern := map[string][3][3]float64{"vertical": {{-1, 0, 1}, {-1, 0, 1}, {-1, 0, 1}}, "lateral": {{-1, -1, -1}, {0, 0, 0}, {1, 1, 1}}}
	for name, k := range kern {
		z := make([]float64, g.W*g.H)
		for y := 0; y < g.H; y++ {
			for x := 0; x < g.W; x++ {
				s := 0.0
				for dy := -1; dy <= 1; dy++ {
					for dx := -1; dx <= 1; dx++ {
						s += k[dy+1][dx+1] * at(x+dx, y+dy)
					}
				}
				z[y*g.W+x] = s
			}
		}
		pos := []float64{}
		neg := 0
		for _, v := range z {
			if v > 0 {
				pos = append(pos, v)
			} else {
				neg++
			}
		}
		sort.Float64s(pos)
		sorted := append([]float64(nil), z...)
		sort.Float64s(sorted)
		p99 := sorted[int(0.99*float64(len(z)))]
		fmt.Println(name, "neg frac", float64(neg)/float64(len(z)), "p99 all", p99, "p99 pos", pos[int(0.99*float64(len(pos)))], "max", sorted[len(z)-1], "min", sorted[0])
		unit := 0.2 * 9.9e-6
		relu := make([]float64, len(z))
		for i, v := range z {
			relu[i] = max(v, 0)
		}
		for _, bias := range []float64{0, 0.3e-6, 0.5e-6, 0.55e-6, 0.6e-6} {
		for _, gain := range []float64{1, 6.04e-6 / (p99 * unit), 6.04e-6 / (pos[int(0.99*float64(len(pos)))] * unit), 2, 3} {
			v := make([]float64, len(z))
			clip := make([]float64, len(z))
			sat := 0
			negmax := 0.0
			for i, zz := range z {
				v[i] = ev.At(zz * unit * gain + bias)
				if zz < 0 { negmax = max(negmax, v[i]) }
				clip[i] = min(relu[i]*unit*gain*0.31e6, 1.864)
				if zz*unit*gain > 6.04e-6 {
					sat++
				}
			}
			fmt.Printf("bias %.2g gain %.3f negmax %.4f corr vs clipped %.4f\n", bias, gain, negmax, pearson(v, clip))
			for _, sig := range []float64{0, 0.099} {
				rng := rand.New(rand.NewPCG(1, 2))
				vv := make([]float64, len(v))
				for i := range v {
					vv[i] = min(max(v[i]*(1+sig*rng.NormFloat64()), 0), 2)
				}
				fmt.Printf("  gain %.3f sigma %.3f: corr %.4f  sat frac %.4f\n", gain, sig, pearson(vv, relu), float64(sat)/float64(len(z)))
			}
		}
		}
	}
}
