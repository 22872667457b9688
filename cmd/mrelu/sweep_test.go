package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"gopkg.in/yaml.v3"

	"github.com/mrelu/mrelu/sweep"
)

// tinyTransferSpec is 8 quick neuron-transfer points (4 r_d x 2 VDD).
const tinyTransferSpec = `{
  "name": "tiny",
  "experiment": "neuron transfer",
  "flags": {"points": 41},
  "grid": [
    {"param": "memristor.r_d_ohm", "values": [2e5, 3e5, 4e5, 5e5]},
    {"param": "neuron.vdd_V", "values": [2.0, 2.05]}
  ],
  "metrics": ["r2", "i90=i_at_90pct_vdd_A", "max_vout_V", "monotone"]
}`

func writeSpec(t *testing.T, text string) string {
	t.Helper()
	// Tests choose their shard: none from a scheduler running the tests.
	for _, v := range []string{"SLURM_ARRAY_TASK_ID", "SLURM_ARRAY_TASK_COUNT", "SLURM_ARRAY_TASK_MIN", "JOB_COMPLETION_INDEX", "MRELU_SWEEP_SHARDS"} {
		t.Setenv(v, "")
	}
	p := filepath.Join(t.TempDir(), "spec.json")
	if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

// TestSweepShardsMatchSingleRun: three shards into one folder merge to
// the same results.csv, byte for byte, as one process running them all.
func TestSweepShardsMatchSingleRun(t *testing.T) {
	spec := writeSpec(t, tinyTransferSpec)
	one, many := filepath.Join(t.TempDir(), "one"), filepath.Join(t.TempDir(), "many")
	runOK(t, "sweep", spec, "--out", one)
	runOK(t, "sweep", "merge", one, "--plots=false")
	for i := range 3 {
		out, _ := runOK(t, "sweep", spec, "--out", many, "--shard", fmt.Sprintf("%d/3", i))
		want := fmt.Sprintf("shard %d/3: %d run, 0 done before", i, []int{3, 3, 2}[i])
		if !strings.Contains(out, want) {
			t.Fatalf("shard %d: want %q in %q", i, want, out)
		}
	}
	runOK(t, "sweep", "merge", many)
	a, _ := os.ReadFile(filepath.Join(one, "results.csv"))
	b, _ := os.ReadFile(filepath.Join(many, "results.csv"))
	if len(a) == 0 || !bytes.Equal(a, b) {
		t.Fatalf("results.csv differ:\n%s\nvs\n%s", a, b)
	}
	lines := strings.Split(strings.TrimSpace(string(a)), "\n")
	if len(lines) != 9 || lines[0] != "index,memristor.r_d_ohm,neuron.vdd_V,r2,i90,max_vout_V,monotone" {
		t.Fatalf("results.csv:\n%s", a)
	}
	if !strings.HasPrefix(lines[3], "2,3e5,2.0,0.99") {
		t.Fatalf("row of point 2: %q", lines[3])
	}
	for _, f := range []string{"summary.csv", "plots/r2_vs_memristor_r_d_ohm.png", "plots/r2_heatmap.svg", "sweep.json", "points/5/params.json", "points/5/run/transfer.json"} {
		if _, err := os.Stat(filepath.Join(many, f)); err != nil {
			t.Errorf("missing %s", f)
		}
	}
	// The point's params.json holds its parameters and loads as any --params.
	d, np, err := loadNeuronParams(filepath.Join(many, "points/5/params.json"))
	if err != nil || d.Memristor.RD != 4e5 || np.VDD != 2.05 {
		t.Fatalf("point 5 params: r_d %v vdd %v err %v", d.Memristor.RD, np.VDD, err)
	}
}

// TestSweepResumeRunsOnlyMissing: after a shard was cut short (results
// removed, one left half-written, a stray temporary file), running it
// again runs exactly the missing points and leaves the others alone.
func TestSweepResumeRunsOnlyMissing(t *testing.T) {
	spec := writeSpec(t, tinyTransferSpec)
	dir := filepath.Join(t.TempDir(), "sw")
	runOK(t, "sweep", spec, "--out", dir, "--shard", "1/2")
	runOK(t, "sweep", "merge", dir, "--allow-partial", "--plots=false")
	before := map[int]time.Time{}
	for _, i := range []int{1, 3, 5, 7} {
		st, err := os.Stat(filepath.Join(sweep.PointDir(dir, i), sweep.ResultFile))
		if err != nil {
			t.Fatal(err)
		}
		before[i] = st.ModTime()
	}
	// Point 3 never finished, point 7 was killed while writing its result
	// (a torn file and a temporary file beside it).
	os.Remove(filepath.Join(sweep.PointDir(dir, 3), sweep.ResultFile))
	os.RemoveAll(filepath.Join(sweep.PointDir(dir, 3), "run"))
	res7 := filepath.Join(sweep.PointDir(dir, 7), sweep.ResultFile)
	b := readString(t, res7)
	writeFile(t, res7, b[:len(b)/2])
	writeFile(t, res7+".tmp-123", b[:10])
	time.Sleep(20 * time.Millisecond)

	code, so, se := runCode("sweep", spec, "--out", dir, "--shard", "1/2")
	if code != 0 || !strings.Contains(so, "shard 1/2: 2 run, 2 done before, 0 failed") {
		t.Fatalf("exit %d: %s%s", code, so, se)
	}
	if !strings.Contains(se, "point 3 [") || !strings.Contains(se, "point 7 [") || strings.Contains(se, "point 1 [") || strings.Contains(se, "point 5 [") {
		t.Fatalf("ran the wrong points:\n%s", se)
	}
	for _, i := range []int{1, 5} {
		st, _ := os.Stat(filepath.Join(sweep.PointDir(dir, i), sweep.ResultFile))
		if !st.ModTime().Equal(before[i]) {
			t.Errorf("point %d was rewritten", i)
		}
	}
	// A shard never touches another shard's points.
	for _, i := range []int{0, 2, 4, 6} {
		if _, err := os.Stat(sweep.PointDir(dir, i)); !os.IsNotExist(err) {
			t.Errorf("shard 1/2 wrote point %d", i)
		}
	}
	// Once complete, a re-run does nothing.
	if so, _ := runOK(t, "sweep", spec, "--out", dir, "--shard", "1/2"); !strings.Contains(so, "0 run, 4 done before") {
		t.Fatalf("second re-run: %s", so)
	}
}

// TestSweepMergeRefusesMissing lists the missing points.
func TestSweepMergeRefusesMissing(t *testing.T) {
	spec := writeSpec(t, tinyTransferSpec)
	dir := filepath.Join(t.TempDir(), "sw")
	runOK(t, "sweep", spec, "--out", dir, "--shard", "0/2")
	code, _, se := runCode("sweep", "merge", dir)
	if code != 1 || !strings.Contains(se, "4 of 8 points missing: 1, 3, 5, 7") || !strings.Contains(se, "--allow-partial") {
		t.Fatalf("exit %d: %s", code, se)
	}
	so, _ := runOK(t, "sweep", "merge", dir, "--allow-partial", "--plots=false")
	if !strings.Contains(so, "missing: 1, 3, 5, 7") {
		t.Fatalf("%s", so)
	}
	b, _ := os.ReadFile(filepath.Join(dir, "results.csv"))
	if n := strings.Count(string(b), "\n"); n != 5 {
		t.Fatalf("partial results.csv has %d lines:\n%s", n, b)
	}
	// Another spec into the same folder is refused.
	other := writeSpec(t, strings.Replace(tinyTransferSpec, "5e5", "6e5", 1))
	if code, _, se := runCode("sweep", other, "--out", dir); code != 1 || !strings.Contains(se, "holds another sweep") {
		t.Fatalf("exit %d: %s", code, se)
	}
}

// TestSweepShardFromEnvironment: the same command line as a Slurm array
// task and as a Kubernetes Indexed Job pod.
func TestSweepShardFromEnvironment(t *testing.T) {
	spec := writeSpec(t, tinyTransferSpec)
	dir := filepath.Join(t.TempDir(), "sw")
	t.Setenv("JOB_COMPLETION_INDEX", "2")
	t.Setenv("MRELU_SWEEP_SHARDS", "4")
	so, _ := runOK(t, "sweep", spec, "--out", dir)
	if !strings.Contains(so, "shard 2/4 (Kubernetes completion index): 2 points") {
		t.Fatal(so)
	}
	t.Setenv("SLURM_ARRAY_TASK_ID", "5")
	t.Setenv("SLURM_ARRAY_TASK_MIN", "4")
	t.Setenv("SLURM_ARRAY_TASK_COUNT", "4")
	so, _ = runOK(t, "sweep", spec, "--out", dir)
	if !strings.Contains(so, "shard 1/4 (Slurm array task): 2 points") {
		t.Fatal(so)
	}
	t.Setenv("SLURM_ARRAY_TASK_ID", "")
	t.Setenv("MRELU_SWEEP_SHARDS", "")
	if code, _, se := runCode("sweep", spec, "--out", dir); code != 2 || !strings.Contains(se, "--shards N or MRELU_SWEEP_SHARDS") {
		t.Fatalf("exit %d: %s", code, se)
	}
}

// TestSweepSpecErrors: mistakes in a spec are usage errors naming the
// problem, found before or at the first point.
func TestSweepSpecErrors(t *testing.T) {
	for _, c := range []struct{ spec, want string }{
		{strings.Replace(tinyTransferSpec, "memristor.r_d_ohm", "memristor.rd", 1), `no key "rd" in "memristor"`},
		{strings.Replace(tinyTransferSpec, `"points": 41`, `"pointz": 41`, 1), "flag provided but not defined: -pointz"},
		{strings.Replace(tinyTransferSpec, "neuron transfer", "neuron trasnfer", 1), `experiment "neuron trasnfer"`},
		{strings.Replace(tinyTransferSpec, `"r2", `, "", 1) + "x", "trailing data"},
		{strings.Replace(tinyTransferSpec, `"grid"`, `"gird"`, 1), `unknown field "gird"`},
	} {
		spec := writeSpec(t, c.spec)
		code, _, se := runCode("sweep", spec, "--out", filepath.Join(t.TempDir(), "sw"))
		if code != 2 || !strings.Contains(se, c.want) {
			t.Errorf("want exit 2 with %q, got %d: %s", c.want, code, se)
		}
	}
	if code, _, se := runCode("sweep", writeSpec(t, tinyTransferSpec)); code != 2 || !strings.Contains(se, "--out DIR is required") {
		t.Errorf("no --out: exit %d: %s", code, se)
	}
}

// TestSweepTrainErrorBars: a train sweep over r_d with two seeds on tiny
// data gives the error-bar plot and the accuracy-vs-energy trade-off.
func TestSweepTrainErrorBars(t *testing.T) {
	data := tinyData(t)
	spec := writeSpec(t, `{
  "name": "train-rd",
  "experiment": "train",
  "flags": {"act": "mrelu", "epochs": 1, "batch": 50, "hidden": "16", "data": "`+data+`"},
  "grid": [{"param": "memristor.r_d_ohm", "values": [2e5, 4e5]}],
  "seeds": [1, 2],
  "metrics": ["test_accuracy", "loss=test_loss_per_epoch.-1", "crossbar_accuracy=crossbar.test_accuracy", "energy_J=pulse/pulse.json:energy_J"]
}`)
	dir := filepath.Join(t.TempDir(), "sw")
	runOK(t, "sweep", spec, "--out", dir)
	so, _ := runOK(t, "sweep", "merge", dir)
	for _, f := range []string{"plots/test_accuracy_vs_memristor_r_d_ohm.png", "plots/tradeoff_test_accuracy_vs_energy_J.png"} {
		if !strings.Contains(so, f) {
			t.Errorf("merge did not write %s:\n%s", f, so)
		}
	}
	b, _ := os.ReadFile(filepath.Join(dir, "summary.csv"))
	lines := strings.Split(strings.TrimSpace(string(b)), "\n")
	if len(lines) != 3 || !strings.HasPrefix(lines[0], "memristor.r_d_ohm,test_accuracy_n,test_accuracy_mean,test_accuracy_sd") || !strings.HasPrefix(lines[1], "2e5,2,") {
		t.Fatalf("summary.csv:\n%s", b)
	}
	// The seeds differ, so the error bars are not empty (the tiny set is
	// too easy for the accuracy to differ; the loss does).
	f := strings.Split(lines[1], ",")
	if sd, err := strconv.ParseFloat(f[6], 64); err != nil || !(sd > 0) {
		t.Errorf("sd of the loss over seeds %q:\n%s", f[6], b)
	}
}

// TestSweepK8sManifest parses the rendered Indexed Job and checks it
// against the spec, and that its pods run the Slurm script's command line.
func TestSweepK8sManifest(t *testing.T) {
	specPath := filepath.Join("..", "..", "examples", "sweeps", "transfer-rd-vdd.json")
	code, so, se := runCode("sweep", "k8s", specPath, "--shards", "4", "--parallelism", "2", "--image", "example.org/mrelu:test")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, se)
	}
	spec, err := sweep.Load(specPath)
	if err != nil {
		t.Fatal(err)
	}
	cm, job := parseManifest(t, []byte(so))
	var stored sweep.Spec
	if err := json.Unmarshal([]byte(cm.Data["sweep.json"]), &stored); err != nil {
		t.Fatal(err)
	}
	if stored.Hash() != spec.Hash() {
		t.Fatalf("the ConfigMap's spec is not the spec rendered")
	}
	js := job.Spec
	if job.Kind != "Job" || job.APIVersion != "batch/v1" || js.CompletionMode != "Indexed" || js.Completions != 4 || js.Parallelism != 2 {
		t.Fatalf("job: %+v", job)
	}
	if js.Template.Spec.RestartPolicy != "Never" || len(js.Template.Spec.Containers) != 1 {
		t.Fatalf("pod: %+v", js.Template.Spec)
	}
	c := js.Template.Spec.Containers[0]
	if c.Image != "example.org/mrelu:test" {
		t.Errorf("image %q", c.Image)
	}
	env := map[string]string{}
	for _, e := range c.Env {
		env[e.Name] = e.Value
	}
	if env["MRELU_SWEEP_SHARDS"] != "4" {
		t.Errorf("MRELU_SWEEP_SHARDS = %q, want the completions", env["MRELU_SWEEP_SHARDS"])
	}
	// The spec file the command names is the ConfigMap's, mounted.
	mounts := map[string]string{}
	for _, m := range c.VolumeMounts {
		mounts[m.Name] = m.MountPath
	}
	vols := map[string]k8sVolume{}
	for _, v := range js.Template.Spec.Volumes {
		vols[v.Name] = v
	}
	if len(c.Command) != 5 || filepath.Dir(c.Command[2]) != mounts["spec"] || vols["spec"].ConfigMap == nil || vols["spec"].ConfigMap.Name != cm.Metadata.Name {
		t.Errorf("spec mount: command %v, mounts %v", c.Command, mounts)
	}
	if !strings.HasPrefix(c.Command[4], mounts["results"]+"/") || vols["results"].PersistentVolumeClaim == nil {
		t.Errorf("results volume: command %v, mounts %v", c.Command, mounts)
	}
	// Identical to the Slurm array task's command line, word for word
	// with the paths as each scheduler sees them.
	slurm := slurmCommand(t)
	if want := sweepCommand("$MRELU", "$SPEC", "$OUT"); !slices.Equal(slurm, want) {
		t.Errorf("deploy/slurm/sweep.sbatch runs %q, want %q", slurm, want)
	}
	if want := sweepCommand("/mrelu", c.Command[2], c.Command[4]); !slices.Equal(c.Command, want) {
		t.Errorf("pod runs %q, want %q", c.Command, want)
	}
	// The checked-in example is what the command renders.
	code, so2, _ := runCode("sweep", "k8s", specPath, "--shards", "4")
	ex, err := os.ReadFile(filepath.Join("..", "..", "deploy", "k8s", "job.yaml"))
	if code != 0 || err != nil || string(ex) != so2 {
		t.Errorf("deploy/k8s/job.yaml is not the output of mrelu sweep k8s examples/sweeps/transfer-rd-vdd.json --shards 4 (run from the repository root; err %v)", err)
	}
}

func parseManifest(t *testing.T, y []byte) (k8sConfigMap, k8sJobObject) {
	t.Helper()
	dec := yaml.NewDecoder(bytes.NewReader(y))
	var cm k8sConfigMap
	var job k8sJobObject
	dec.KnownFields(true)
	if err := dec.Decode(&cm); err != nil {
		t.Fatalf("ConfigMap: %v", err)
	}
	if err := dec.Decode(&job); err != nil {
		t.Fatalf("Job: %v", err)
	}
	if cm.Kind != "ConfigMap" {
		t.Fatalf("first document is a %s", cm.Kind)
	}
	return cm, job
}

// slurmCommand reads the mrelu command line of deploy/slurm/sweep.sbatch
// (its `exec "$MRELU" sweep ...` line).
func slurmCommand(t *testing.T) []string {
	t.Helper()
	f, err := os.Open(filepath.Join("..", "..", "deploy", "slurm", "sweep.sbatch"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if strings.HasPrefix(line, "exec ") {
			var words []string
			for _, w := range strings.Fields(strings.TrimPrefix(line, "exec ")) {
				words = append(words, strings.Trim(w, `"`))
			}
			return words
		}
	}
	t.Fatal("no exec line in deploy/slurm/sweep.sbatch")
	return nil
}

// TestSweepFig4: fig4-style accuracy points (several neurons trained side
// by side with the point's device) collect each neuron's accuracy.
func TestSweepFig4(t *testing.T) {
	data := tinyData(t)
	spec := writeSpec(t, `{
  "experiment": "fig4",
  "flags": {"acts": "relu,mrelu", "sweep": "", "epochs": 1, "batch": 50, "hidden": "16", "data": "`+data+`"},
  "grid": [{"param": "variation", "values": [0, 0.2]}],
  "seeds": [1, 2],
  "metrics": ["relu=test_accuracy.relu", "mrelu=test_accuracy.mrelu"]
}`)
	dir := filepath.Join(t.TempDir(), "sw")
	runOK(t, "sweep", spec, "--out", dir)
	runOK(t, "sweep", "merge", dir, "--plots=false")
	b, _ := os.ReadFile(filepath.Join(dir, "results.csv"))
	lines := strings.Split(strings.TrimSpace(string(b)), "\n")
	if len(lines) != 5 || lines[0] != "index,variation,seed,relu,mrelu" || !strings.HasPrefix(lines[3], "2,0.2,1,") {
		t.Fatalf("results.csv:\n%s", b)
	}
}

// TestSweepKillShardAndResume kills a real shard process (SIGKILL) in the
// middle of a sweep, runs the shard again and checks that exactly the
// points without a valid result run, and that the merged results equal a
// run that was never interrupted.
func TestSweepKillShardAndResume(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary")
	}
	bin := buildMrelu(t)
	spec := writeSpec(t, `{
  "experiment": "neuron transfer",
  "grid": [{"param": "memristor.r_d_ohm", "from": 2e5, "to": 5e5, "n": 12}, {"param": "neuron.vdd_V", "values": [2.0, 2.02, 2.04, 2.06, 2.08]}],
  "metrics": ["r2", "max_vout_V"]
}`)
	s, err := sweep.Load(spec)
	if err != nil {
		t.Fatal(err)
	}
	pts, _ := s.Points()
	ms, _ := s.ParsedMetrics()
	dir := filepath.Join(t.TempDir(), "sw")
	cmd := exec.Command(bin, "sweep", spec, "--out", dir)
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(time.Minute)
	done := 0
	for done < 3 && time.Now().Before(deadline) {
		time.Sleep(5 * time.Millisecond)
		done = countDone(dir, s, pts, ms)
	}
	cmd.Process.Kill()
	cmd.Wait()
	done = countDone(dir, s, pts, ms)
	t.Logf("killed after %d of %d points", done, len(pts))
	if done == len(pts) {
		t.Log("the shard finished before the kill: nothing left to resume")
	}
	// Re-run and compare with an uninterrupted run, all with the same
	// binary as the killed shard.
	binRun := func(args ...string) string {
		t.Helper()
		out, err := exec.Command(bin, args...).Output()
		if err != nil {
			t.Fatalf("%v: %v\n%s", args, err, out)
		}
		return string(out)
	}
	so := binRun("sweep", spec, "--out", dir)
	want := fmt.Sprintf("shard 0/1: %d run, %d done before, 0 failed", len(pts)-done, done)
	if !strings.Contains(so, want) {
		t.Fatalf("want %q in:\n%s", want, so)
	}
	binRun("sweep", "merge", dir, "--plots=false")
	one := filepath.Join(t.TempDir(), "one")
	binRun("sweep", spec, "--out", one)
	binRun("sweep", "merge", one, "--plots=false")
	a, _ := os.ReadFile(filepath.Join(dir, sweep.ResultsCSV))
	b, _ := os.ReadFile(filepath.Join(one, sweep.ResultsCSV))
	if len(a) == 0 || !bytes.Equal(a, b) {
		t.Fatalf("results.csv after the kill and resume differ from an uninterrupted run:\n%s\nvs\n%s", a, b)
	}
}

// TestSweepExamples: every example spec loads and enumerates.
func TestSweepExamples(t *testing.T) {
	files, _ := filepath.Glob(filepath.Join("..", "..", "examples", "sweeps", "*.json"))
	if len(files) < 5 {
		t.Fatalf("%d example specs", len(files))
	}
	for _, f := range files {
		s, err := sweep.Load(f)
		if err != nil {
			t.Errorf("%s: %v", f, err)
			continue
		}
		if pts, err := s.Points(); err != nil || len(pts) == 0 || len(pts) > 100 {
			t.Errorf("%s: %d points, %v", f, len(pts), err)
		}
	}
}
