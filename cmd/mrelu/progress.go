package main

import (
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"golang.org/x/term"

	"github.com/mrelu/mrelu/experiment"
	"github.com/mrelu/mrelu/nn"
)

// progressBar draws a one-line bar on a terminal and nothing otherwise.
type progressBar struct {
	w       io.Writer
	on      bool
	last    time.Time
	started time.Time
}

// newProgress returns a bar drawing to w when w is a terminal.
func newProgress(w io.Writer) *progressBar {
	on := false
	if f, ok := w.(*os.File); ok {
		on = term.IsTerminal(int(f.Fd()))
	}
	return &progressBar{w: w, on: on, started: time.Now()}
}

// Update redraws at most ten times a second.
func (p *progressBar) Update(label string, done, total int, extra string) {
	if !p.on || (done < total && time.Since(p.last) < 100*time.Millisecond) {
		return
	}
	p.last = time.Now()
	const width = 30
	fill := 0
	if total > 0 {
		fill = width * done / total
	}
	fmt.Fprintf(p.w, "\r%s [%s%s] %d/%d %s\033[K", label, strings.Repeat("=", fill), strings.Repeat(" ", width-fill), done, total, extra)
}

// Line prints a full line, clearing the bar first.
func (p *progressBar) Line(format string, args ...any) {
	if p.on {
		fmt.Fprint(p.w, "\r\033[K")
	}
	fmt.Fprintf(p.w, format+"\n", args...)
}

// Done clears the bar.
func (p *progressBar) Done() {
	if p.on {
		fmt.Fprint(p.w, "\r\033[K")
	}
}

// training is the progress of the training run name (epochs epochs) of a
// longer run: a bar over each epoch's steps and, after the last epoch, a
// line printed with format from the name, the test accuracy times scale
// and the epoch.
func (p *progressBar) training(name string, epochs int, format string, scale float64) experiment.Progress {
	return experiment.Progress{
		Step: func(epoch, step, steps int) {
			p.Update(fmt.Sprintf("  %s epoch %d/%d", name, epoch, epochs), step, steps, "")
		},
		Epoch: func(e nn.EpochStats) {
			if e.Epoch == epochs {
				p.Line(format, name, scale*e.TestAccuracy, e.Epoch)
			}
		},
	}
}
