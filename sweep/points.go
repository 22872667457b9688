package sweep

import (
	"fmt"
	"math"
	"math/rand/v2"
	"strconv"
	"strings"
)

// Assignment is one parameter of a point.
type Assignment struct {
	Name  string
	Value Value
}

// Point is one run of the sweep.
type Point struct {
	Index  int
	Params []Assignment // in ParamNames order
}

// Get returns the value of the named parameter.
func (p Point) Get(name string) (Value, bool) {
	for _, a := range p.Params {
		if a.Name == name {
			return a.Value, true
		}
	}
	return "", false
}

// Points enumerates the sweep's points in index order: grid axes
// row-major (the last axis fastest), then the random samples, then the
// seeds (fastest of all). The same spec always gives the same points.
func (s *Spec) Points() ([]Point, error) {
	var axes [][]Value
	for _, a := range s.Grid {
		v, err := a.values()
		if err != nil {
			return nil, fmt.Errorf("grid axis %q: %w", a.Param, err)
		}
		axes = append(axes, v)
	}
	var samples [][]Value
	if r := s.Random; r != nil {
		rng := rand.New(rand.NewPCG(r.Seed, 0x5eed5eed))
		samples = make([][]Value, r.Samples)
		for k := range samples {
			row := make([]Value, len(r.Params))
			for j, p := range r.Params {
				u := rng.Float64()
				v := p.Min + u*(p.Max-p.Min)
				if p.Log {
					v = math.Exp(math.Log(p.Min) + u*(math.Log(p.Max)-math.Log(p.Min)))
				}
				if p.Int {
					row[j] = Value(strconv.FormatFloat(math.Round(v), 'f', 0, 64))
				} else {
					row[j] = NumberValue(v)
				}
			}
			samples[k] = row
		}
	} else {
		samples = [][]Value{nil}
	}
	seeds := s.Seeds
	if len(seeds) == 0 {
		seeds = []Value{""}
	}
	names := s.ParamNames()
	n := s.Count()
	out := make([]Point, 0, n)
	idx := make([]int, len(axes))
	for {
		for _, smp := range samples {
			for _, seed := range seeds {
				p := Point{Index: len(out), Params: make([]Assignment, 0, len(names))}
				for i, a := range axes {
					p.Params = append(p.Params, Assignment{names[i], a[idx[i]]})
				}
				for j, v := range smp {
					p.Params = append(p.Params, Assignment{names[len(axes)+j], v})
				}
				if seed != "" {
					p.Params = append(p.Params, Assignment{SeedParam, seed})
				}
				out = append(out, p)
			}
		}
		// next grid index, the last axis fastest
		k := len(axes) - 1
		for ; k >= 0; k-- {
			idx[k]++
			if idx[k] < len(axes[k]) {
				break
			}
			idx[k] = 0
		}
		if k < 0 {
			break
		}
	}
	return out, nil
}

// Shard is shard I of N: the points whose index ≡ I (mod N).
type Shard struct{ I, N int }

// Has reports whether the shard runs point index.
func (s Shard) Has(index int) bool { return index%s.N == s.I }

func (s Shard) String() string { return fmt.Sprintf("%d/%d", s.I, s.N) }

// ParseShard reads "i/n".
func ParseShard(v string) (Shard, error) {
	a, b, ok := strings.Cut(v, "/")
	i, err1 := strconv.Atoi(strings.TrimSpace(a))
	n, err2 := strconv.Atoi(strings.TrimSpace(b))
	if !ok || err1 != nil || err2 != nil {
		return Shard{}, fmt.Errorf("--shard %q: want i/n, e.g. 0/4", v)
	}
	return NewShard(i, n)
}

// NewShard checks 0 <= i < n.
func NewShard(i, n int) (Shard, error) {
	if n < 1 || n > 1_000_000 || i < 0 || i >= n {
		return Shard{}, fmt.Errorf("shard %d of %d: want 0 <= i < n <= 1000000", i, n)
	}
	return Shard{i, n}, nil
}

// Getenv reads one environment variable.
type Getenv func(string) string

// ShardFromEnv finds the shard of a scheduler's task: a Slurm array task
// (SLURM_ARRAY_TASK_ID minus SLURM_ARRAY_TASK_MIN, of
// SLURM_ARRAY_TASK_COUNT) or a Kubernetes Indexed Job pod
// (JOB_COMPLETION_INDEX, of shards: the --shards flag, else
// MRELU_SWEEP_SHARDS). ok is false outside both (run every point).
func ShardFromEnv(env Getenv, shards int) (sh Shard, source string, ok bool, err error) {
	atoi := func(name string) (int, error) {
		v, err := strconv.Atoi(strings.TrimSpace(env(name)))
		if err != nil {
			return 0, fmt.Errorf("%s=%q is not an integer", name, env(name))
		}
		return v, nil
	}
	if env("SLURM_ARRAY_TASK_ID") != "" {
		id, err := atoi("SLURM_ARRAY_TASK_ID")
		if err != nil {
			return sh, "", false, err
		}
		if env("SLURM_ARRAY_TASK_COUNT") == "" {
			return sh, "", false, fmt.Errorf("SLURM_ARRAY_TASK_ID is set but SLURM_ARRAY_TASK_COUNT is not")
		}
		n, err := atoi("SLURM_ARRAY_TASK_COUNT")
		if err != nil {
			return sh, "", false, err
		}
		lo := 0
		if env("SLURM_ARRAY_TASK_MIN") != "" {
			if lo, err = atoi("SLURM_ARRAY_TASK_MIN"); err != nil {
				return sh, "", false, err
			}
		}
		if shards > 0 && shards != n {
			return sh, "", false, fmt.Errorf("--shards %d but the Slurm array has %d tasks", shards, n)
		}
		sh, err = NewShard(id-lo, n)
		if err != nil {
			return sh, "", false, fmt.Errorf("Slurm array task %d (first %d, count %d): %w; submit with --array=0-%d", id, lo, n, err, n-1)
		}
		return sh, "Slurm array task", true, nil
	}
	if env("JOB_COMPLETION_INDEX") != "" {
		id, err := atoi("JOB_COMPLETION_INDEX")
		if err != nil {
			return sh, "", false, err
		}
		n := shards
		if n == 0 {
			if env("MRELU_SWEEP_SHARDS") == "" {
				return sh, "", false, fmt.Errorf("JOB_COMPLETION_INDEX is set: give the number of shards (the job's completions) with --shards N or MRELU_SWEEP_SHARDS")
			}
			if n, err = atoi("MRELU_SWEEP_SHARDS"); err != nil {
				return sh, "", false, err
			}
		}
		sh, err = NewShard(id, n)
		if err != nil {
			return sh, "", false, fmt.Errorf("Kubernetes completion index: %w", err)
		}
		return sh, "Kubernetes completion index", true, nil
	}
	return Shard{0, 1}, "", false, nil
}

// FormatIndices lists indices compactly: "0-3, 7, 9-10".
func FormatIndices(ix []int) string {
	var b strings.Builder
	for i := 0; i < len(ix); {
		j := i
		for j+1 < len(ix) && ix[j+1] == ix[j]+1 {
			j++
		}
		if b.Len() > 0 {
			b.WriteString(", ")
		}
		if j > i {
			fmt.Fprintf(&b, "%d-%d", ix[i], ix[j])
		} else {
			fmt.Fprintf(&b, "%d", ix[i])
		}
		i = j + 1
	}
	return b.String()
}

func nan() float64 { return math.NaN() }
