package kernel

import (
	"fmt"
	"testing"
)

func BenchmarkOverhead(b *testing.B) {
	saved := minParallelFlops
	minParallelFlops = 0
	defer func() { minParallelFlops = saved }()
	for _, s := range [][3]int{{28, 64, 1}, {64, 64, 64}} {
		for _, th := range []int{1, 2} {
			b.Run(fmt.Sprintf("%dx%dx%d/t=%d", s[0], s[1], s[2], th), func(b *testing.B) {
				benchSgemm(b, false, false, s[0], s[1], s[2], th)
			})
		}
	}
}
