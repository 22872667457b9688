package sweep_test

import (
	"fmt"
	"strings"

	"github.com/mrelu/mrelu/sweep"
)

// A grid over a device parameter, repeated with two seeds, cut into two
// shards.
func Example() {
	spec, err := sweep.Decode(strings.NewReader(`{
	  "experiment": "train",
	  "flags": {"act": "mrelu", "epochs": 5},
	  "grid": [{"param": "memristor.r_d_ohm", "values": [2e5, 4e5]}],
	  "seeds": [1, 2],
	  "metrics": ["test_accuracy"]
	}`))
	if err != nil {
		fmt.Println(err)
		return
	}
	points, _ := spec.Points()
	shard, _ := sweep.ParseShard("1/2")
	for _, p := range points {
		rd, _ := p.Get("memristor.r_d_ohm")
		seed, _ := p.Get("seed")
		fmt.Printf("point %d: r_d %s seed %s, shard 1/2 runs it: %v\n", p.Index, rd, seed, shard.Has(p.Index))
	}
	// Output:
	// point 0: r_d 2e5 seed 1, shard 1/2 runs it: false
	// point 1: r_d 2e5 seed 2, shard 1/2 runs it: true
	// point 2: r_d 4e5 seed 1, shard 1/2 runs it: false
	// point 3: r_d 4e5 seed 2, shard 1/2 runs it: true
}
