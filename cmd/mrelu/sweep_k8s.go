package main

import (
	"bytes"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"

	"github.com/mrelu/mrelu/sweep"
	"gopkg.in/yaml.v3"
)

// The Kubernetes objects sweep k8s writes, as much of their schema as it
// uses (field order as kubectl prints them).
type (
	k8sMeta struct {
		Name   string            `yaml:"name,omitempty"`
		Labels map[string]string `yaml:"labels,omitempty"`
	}
	k8sConfigMap struct {
		APIVersion string            `yaml:"apiVersion"`
		Kind       string            `yaml:"kind"`
		Metadata   k8sMeta           `yaml:"metadata"`
		Data       map[string]string `yaml:"data"`
	}
	k8sJobObject struct {
		APIVersion string     `yaml:"apiVersion"`
		Kind       string     `yaml:"kind"`
		Metadata   k8sMeta    `yaml:"metadata"`
		Spec       k8sJobSpec `yaml:"spec"`
	}
	k8sJobSpec struct {
		CompletionMode       string      `yaml:"completionMode"`
		Completions          int         `yaml:"completions"`
		Parallelism          int         `yaml:"parallelism"`
		BackoffLimitPerIndex int         `yaml:"backoffLimitPerIndex"`
		Template             k8sTemplate `yaml:"template"`
	}
	k8sTemplate struct {
		Metadata k8sMeta    `yaml:"metadata"`
		Spec     k8sPodSpec `yaml:"spec"`
	}
	k8sPodSpec struct {
		RestartPolicy string         `yaml:"restartPolicy"`
		Containers    []k8sContainer `yaml:"containers"`
		Volumes       []k8sVolume    `yaml:"volumes"`
	}
	k8sContainer struct {
		Name         string           `yaml:"name"`
		Image        string           `yaml:"image"`
		Command      []string         `yaml:"command"`
		Env          []k8sEnv         `yaml:"env"`
		Resources    k8sResources     `yaml:"resources"`
		VolumeMounts []k8sVolumeMount `yaml:"volumeMounts"`
	}
	k8sEnv struct {
		Name  string `yaml:"name"`
		Value string `yaml:"value"`
	}
	k8sResources struct {
		Requests map[string]string `yaml:"requests"`
	}
	k8sVolumeMount struct {
		Name      string `yaml:"name"`
		MountPath string `yaml:"mountPath"`
		ReadOnly  bool   `yaml:"readOnly,omitempty"`
	}
	k8sVolume struct {
		Name                  string       `yaml:"name"`
		ConfigMap             *k8sCMRef    `yaml:"configMap,omitempty"`
		PersistentVolumeClaim *k8sClaimRef `yaml:"persistentVolumeClaim,omitempty"`
	}
	k8sCMRef struct {
		Name string `yaml:"name"`
	}
	k8sClaimRef struct {
		ClaimName string `yaml:"claimName"`
	}
)

// renderK8s writes the ConfigMap and the Indexed Job as one YAML stream.
func renderK8s(j k8sJob) ([]byte, error) {
	labels := map[string]string{"app.kubernetes.io/name": "mrelu", "app.kubernetes.io/component": "sweep", "mrelu/sweep": j.Name}
	cm := k8sConfigMap{APIVersion: "v1", Kind: "ConfigMap", Metadata: k8sMeta{Name: j.Name + "-spec", Labels: labels},
		Data: map[string]string{"sweep.json": string(j.Spec)}}
	job := k8sJobObject{APIVersion: "batch/v1", Kind: "Job", Metadata: k8sMeta{Name: j.Name, Labels: labels},
		Spec: k8sJobSpec{
			CompletionMode: "Indexed", Completions: j.Shards, Parallelism: j.Parallelism,
			// A preempted or failed pod is retried for its own index;
			// the retry skips the points its predecessor finished.
			BackoffLimitPerIndex: 3,
			Template: k8sTemplate{Metadata: k8sMeta{Labels: labels}, Spec: k8sPodSpec{
				RestartPolicy: "Never",
				Containers: []k8sContainer{{
					Name: "sweep", Image: j.Image, Command: j.Command,
					Env: []k8sEnv{
						{Name: "MRELU_SWEEP_SHARDS", Value: strconv.Itoa(j.Shards)},
						{Name: "GOMAXPROCS", Value: "1"},
					},
					Resources: k8sResources{Requests: map[string]string{"cpu": "1", "memory": "1Gi"}},
					VolumeMounts: []k8sVolumeMount{
						{Name: "spec", MountPath: "/etc/mrelu", ReadOnly: true},
						{Name: "results", MountPath: j.Mount},
					},
				}},
				Volumes: []k8sVolume{
					{Name: "spec", ConfigMap: &k8sCMRef{Name: j.Name + "-spec"}},
					{Name: "results", PersistentVolumeClaim: &k8sClaimRef{ClaimName: j.Claim}},
				},
			}},
		}}
	var buf bytes.Buffer
	fmt.Fprintf(&buf, "# Rendered by: mrelu sweep k8s --shards %d (see deploy/k8s/README.md).\n# Each pod runs shard JOB_COMPLETION_INDEX of %d; merge afterwards: mrelu sweep merge %s\n", j.Shards, j.Shards, j.Out)
	enc := yaml.NewEncoder(&buf)
	enc.SetIndent(2)
	for _, o := range []any{cm, job} {
		if err := enc.Encode(o); err != nil {
			return nil, fmt.Errorf("sweep k8s: %w", err)
		}
	}
	if err := enc.Close(); err != nil {
		return nil, fmt.Errorf("sweep k8s: %w", err)
	}
	return buf.Bytes(), nil
}

// k8sJob is what sweep k8s renders.
type k8sJob struct {
	Name, Image, Claim, Mount, SpecPath, Out string
	Shards, Parallelism                      int
	Spec                                     []byte
	Command                                  []string
}

func runSweepK8s(args []string, stdout io.Writer) error {
	fs := newFlags("sweep k8s", "Prints a Kubernetes manifest running the sweep as an Indexed Job: a ConfigMap holding the\nspec (base parameters inlined) and a Job with completions = --shards, completionMode Indexed,\nwhose pods run the same command line as a Slurm array task (mrelu sweep SPEC --out DIR; the\nshard from JOB_COMPLETION_INDEX and MRELU_SWEEP_SHARDS) and write into a shared volume\n(a ReadWriteMany PersistentVolumeClaim). Merge afterwards with mrelu sweep merge. See deploy/k8s/.",
		"mrelu sweep k8s examples/sweeps/transfer-rd-vdd.json --shards 4 > job.yaml && kubectl apply -f job.yaml", stdout)
	shards := fs.Int("shards", 0, "number of shards `N` (the job's completions; required)")
	par := fs.Int("parallelism", 0, "pods at once (default: --shards)")
	image := fs.String("image", "ghcr.io/mrelu/mrelu:latest", "container `IMAGE` (built by deploy/k8s/Dockerfile)")
	claim := fs.String("claim", "mrelu-results", "ReadWriteMany PersistentVolumeClaim `NAME` for the results")
	mount := fs.String("mount", "/results", "where the claim is mounted in the pods")
	name := fs.String("name", "", "job name (default: mrelu-sweep-<spec name>)")
	specPath, err := splitSpecArg(fs, args, "SPEC")
	if err != nil {
		return err
	}
	if *shards < 1 || *shards > 100000 {
		return usagef("sweep k8s: --shards %d: want 1..100000", *shards)
	}
	if *par == 0 {
		*par = *shards
	}
	if *par < 1 || *par > *shards {
		return usagef("sweep k8s: --parallelism %d: want 1..%d", *par, *shards)
	}
	spec, err := sweep.Load(specPath)
	if err != nil {
		return usagef("%v", err)
	}
	b, err := spec.Canonical()
	if err != nil {
		return err
	}
	j := k8sJob{Name: *name, Image: *image, Claim: *claim, Mount: strings.TrimRight(*mount, "/"), Shards: *shards, Parallelism: *par, Spec: b}
	if j.Name == "" {
		j.Name = "mrelu-sweep-" + k8sName(spec.Name)
	}
	if !validK8sName(j.Name) {
		return usagef("sweep k8s: name %q: want lower-case letters, digits and '-', at most 52 characters", j.Name)
	}
	j.SpecPath = "/etc/mrelu/" + sweep.SpecFile
	j.Out = j.Mount + "/" + j.Name
	j.Command = sweepCommand("/mrelu", j.SpecPath, j.Out)
	y, err := renderK8s(j)
	if err != nil {
		return err
	}
	_, err = stdout.Write(y)
	return err
}

func k8sName(s string) string {
	var b strings.Builder
	for _, r := range strings.ToLower(s) {
		switch {
		case r >= 'a' && r <= 'z' || r >= '0' && r <= '9':
			b.WriteRune(r)
		case b.Len() > 0 && !strings.HasSuffix(b.String(), "-"):
			b.WriteByte('-')
		}
	}
	n := strings.Trim(b.String(), "-")
	if n == "" {
		n = "job"
	}
	if len(n) > 40 {
		n = strings.Trim(n[:40], "-")
	}
	return n
}

func validK8sName(s string) bool {
	if s == "" || len(s) > 52 || s[0] == '-' || s[len(s)-1] == '-' {
		return false
	}
	return !slices.ContainsFunc([]rune(s), func(r rune) bool { return !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '-') })
}
