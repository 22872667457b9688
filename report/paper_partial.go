package report

import (
	"fmt"
	"path/filepath"
	"slices"
	"sort"
	"strings"

	"github.com/mrelu/mrelu/experiment"
)

// PaperPartial is partial.json of a paper run that failed at one stage:
// the stages written, the failed one and its error, the ones not run.
type PaperPartial struct {
	Command   string   `json:"command"`
	Failed    string   `json:"failed_stage"`
	Title     string   `json:"failed_title"`
	Step      int      `json:"failed_step"` // 1-based, of Steps
	Steps     int      `json:"steps"`
	Error     string   `json:"error"`
	Completed []string `json:"completed"` // stage folders written
	NotRun    []string `json:"not_run"`
	Note      string   `json:"note"`
}

// WritePaperPartial writes what a failed paper run completed: each part
// run before the failed stage r.Failed into its folder, params.json,
// device_params.json, partial.json (which stage failed, why, what was
// kept, what was not run) and a report.html that marks the failed stage
// and shows the completed stages' figures. No summary.json: its numbers
// would be incomplete.
func WritePaperPartial(dir string, r *experiment.PaperResult, cause error, opt PaperOptions) (*PaperPartial, error) {
	logf := opt.logger()
	p := &PaperPartial{Command: opt.Command, Failed: r.Failed, Steps: len(experiment.PaperStages), Completed: []string{}, NotRun: []string{},
		Note: "the run stopped at the failed stage; the folders of the completed stages hold their data, plots and params.json; summary.json and the full report are written only by a complete run"}
	if cause != nil {
		p.Error = cause.Error()
	}
	failed := false
	for k, st := range experiment.PaperStages {
		switch {
		case st.Key == r.Failed:
			p.Title, p.Step, failed = st.Title, k+1, true
		case failed:
			p.NotRun = append(p.NotRun, st.Key)
		case paperHas(r, st.Key):
			p.Completed = append(p.Completed, st.Key)
		}
	}
	s := &PaperSummary{}
	if err := writePaperParts(dir, r, s, logf); err != nil {
		return p, err
	}
	if err := writePaperParams(dir, r, opt); err != nil {
		return p, err
	}
	if err := WriteJSON(filepath.Join(dir, "partial.json"), p); err != nil {
		return p, err
	}
	return p, WriteHTML(filepath.Join(dir, "report.html"), partialPage(dir, p))
}

// partialPage is report.html of a failed run: the failed part marked, the
// status of every stage, and the figures of the completed ones.
func partialPage(dir string, p *PaperPartial) HTMLPage {
	page := HTMLPage{Title: "mrelu paper: incomplete run",
		Subtitle: fmt.Sprintf("step %d of %d (%s) failed; the stages before it are kept", p.Step, p.Steps, p.Failed),
		Meta:     []HTMLMeta{{Key: "command", Value: p.Command, Code: true}},
		Notices:  []string{fmt.Sprintf("FAILED at step %d/%d, %s (%s): %s", p.Step, p.Steps, p.Failed, p.Title, p.Error), p.Note},
		Footer:   "partial.json holds the same in JSON."}
	status := HTMLTable{Caption: "stages", Header: []string{"step", "stage", "status"}}
	for k, st := range experiment.PaperStages {
		v := "not run"
		switch {
		case st.Key == p.Failed:
			v = "FAILED: " + p.Error
		case slices.Contains(p.Completed, st.Key):
			v = "done (" + st.Key + "/)"
		}
		status.Rows = append(status.Rows, []string{fmt.Sprint(k + 1), st.Title, v})
		status.Emphasis = append(status.Emphasis, st.Key == p.Failed)
	}
	page.Sections = append(page.Sections, HTMLSection{ID: "stages", Title: "Stages", Tables: []HTMLTable{status}})
	for _, key := range p.Completed {
		pngs, _ := filepath.Glob(filepath.Join(dir, filepath.FromSlash(key), "*.png"))
		sort.Strings(pngs)
		sec := HTMLSection{ID: strings.ReplaceAll(key, "/", "-"), Title: key}
		for _, f := range pngs[:min(len(pngs), 3)] {
			rel, err := filepath.Rel(dir, f)
			if err != nil {
				continue
			}
			rel = filepath.ToSlash(rel)
			sec.Figures = append(sec.Figures, HTMLFigure{ID: strings.NewReplacer("/", "-", ".", "-").Replace(rel), Title: rel, Image: rel,
				SVG: strings.TrimSuffix(rel, ".png") + ".svg"})
		}
		if len(sec.Figures) > 0 {
			page.Sections = append(page.Sections, sec)
		}
	}
	return page
}
