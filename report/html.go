package report

// A self-contained HTML page: every image embedded as a base64 data: URI,
// the CSS inline, no external resource (a Content-Security-Policy forbids
// any), readable without JavaScript. One small inline script only marks,
// once the page has loaded, how many images decoded (for the headless
// browser test; see cmd/mrelu/paper_test.go).

import (
	"bytes"
	"encoding/base64"
	"fmt"
	"html/template"
	"io"
	"os"
	"path/filepath"
	"strings"
)

// HTMLPage is one report page.
type HTMLPage struct {
	Title    string
	Subtitle string
	// Meta are key/value lines of the header (mode, command, parameters).
	Meta []HTMLMeta
	// Notices are shown in a highlighted box at the top (quick mode,
	// missing tools).
	Notices  []string
	Sections []HTMLSection
	// Footer is a line of small print at the end.
	Footer string
}

// HTMLMeta is one header line; Code shows Value in a monospace font.
type HTMLMeta struct {
	Key, Value string
	Code       bool
}

// HTMLSection is a section of the page: an intro, tables, raw HTML (such
// as Table1HTML) and figures, in that order.
type HTMLSection struct {
	ID, Title string
	Intro     []string
	Tables    []HTMLTable
	Raw       template.HTML
	Figures   []HTMLFigure
}

// HTMLTable is a plain table; Emphasis marks rows shown in bold.
type HTMLTable struct {
	Caption  string
	Header   []string
	Rows     [][]string
	Emphasis []bool
}

// HTMLFigure is one figure: the PNG embedded, the paper's value, ours, the
// command that made it and links to its data files.
type HTMLFigure struct {
	ID    string // anchor
	Label string // "Fig. 3f"
	Title string
	// Image is the PNG's path relative to the page's folder; it is read
	// and embedded. SVG, if set, is linked (relative).
	Image string
	SVG   string
	// Paper and Ours are the values compared; Command the command line
	// that made the figure; Data the data files (relative paths, linked).
	Paper, Ours string
	Command     string
	Data        []string
	// Note is a caveat in small print.
	Note string
	// Wide spans the figure over the whole width of the page.
	Wide bool
}

// htmlCSS is the page's style sheet (also used by table1.html).
const htmlCSS = `
:root{--fg:#1d1d1f;--mute:#5f6368;--line:#d7dbe0;--accent:#0072b2;--ours:#fff4d6;--bg:#fbfbfc}
*{box-sizing:border-box}
body{margin:0 auto;max-width:1280px;padding:1.2em 1.6em 3em;font:15px/1.45 -apple-system,"Segoe UI",Roboto,"Helvetica Neue",Arial,sans-serif;color:var(--fg);background:var(--bg)}
h1{font-size:1.7em;margin:.2em 0 .1em}h2{font-size:1.35em;margin:1.8em 0 .5em;padding-top:.4em;border-top:2px solid var(--accent)}
.sub{color:var(--mute);margin:0 0 .8em}
dl.meta{display:grid;grid-template-columns:max-content 1fr;gap:.15em 1em;margin:.6em 0}
dl.meta dt{color:var(--mute)}dl.meta dd{margin:0}
code{font:13px/1.35 "SFMono-Regular",Consolas,"Liberation Mono",Menlo,monospace;background:#eef1f4;padding:.05em .3em;border-radius:3px;word-break:break-all}
.notice{background:#fff4d6;border:1px solid #e6c35c;border-radius:6px;padding:.5em 1em;margin:.8em 0}
.notice li{margin:.2em 0}
nav.toc{columns:2;margin:.5em 0 1em}nav.toc a{color:var(--accent);text-decoration:none}
table{border-collapse:collapse;margin:.6em 0 1em;font-size:14px;width:100%}
caption{text-align:left;font-weight:600;margin-bottom:.3em}
th,td{border:1px solid var(--line);padding:.3em .5em;text-align:left;vertical-align:top}
th{background:#eef1f4}tr.em td{font-weight:600}tr.ours td{background:var(--ours)}
.figs{display:grid;grid-template-columns:repeat(auto-fill,minmax(560px,1fr));gap:1.2em}
figure{margin:0;background:#fff;border:1px solid var(--line);border-radius:6px;padding:.7em}
figure img{width:100%;height:auto;display:block}
figure.wide{grid-column:1/-1}figure.wide img{max-width:1100px;margin:0 auto}
figcaption{font-size:14px;margin-top:.5em}
figcaption .lab{font-weight:700;color:var(--accent)}
figcaption dl{display:grid;grid-template-columns:max-content 1fr;gap:.1em .8em;margin:.4em 0 0}
figcaption dt{color:var(--mute)}figcaption dd{margin:0}
.small{font-size:12.5px;color:var(--mute)}
a{color:var(--accent)}
@media print{.figs{display:block}figure{break-inside:avoid;margin-bottom:1em}}
`

// imgCheckScript records, after load, how many images decoded: a hidden
// <div id="imgcheck" data-total data-loaded data-failed> the headless
// browser test reads from the dumped DOM.
const imgCheckScript = `window.addEventListener("load",function(){var im=document.images,ok=0,bad=[];for(var i=0;i<im.length;i++){if(im[i].complete&&im[i].naturalWidth>0){ok++}else{bad.push(im[i].getAttribute("data-file")||String(i))}}var d=document.createElement("div");d.id="imgcheck";d.hidden=true;d.setAttribute("data-total",String(im.length));d.setAttribute("data-loaded",String(ok));d.setAttribute("data-failed",bad.join(" "));document.body.appendChild(d)});`

// htmlCSP allows only inline style and script and data: images.
const htmlCSP = "default-src 'none'; img-src data:; style-src 'unsafe-inline'; script-src 'unsafe-inline'; base-uri 'none'; form-action 'none'"

var htmlTmpl = template.Must(template.New("page").Parse(`<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="{{.CSP}}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{.Page.Title}}</title>
<link rel="icon" href="data:,">
<style>{{.CSS}}</style>
<script>{{.Script}}</script>
</head>
<body>
<header>
<h1>{{.Page.Title}}</h1>
{{with .Page.Subtitle}}<p class="sub">{{.}}</p>{{end}}
{{with .Page.Meta}}<dl class="meta">{{range .}}<dt>{{.Key}}</dt><dd>{{if .Code}}<code>{{.Value}}</code>{{else}}{{.Value}}{{end}}</dd>{{end}}</dl>{{end}}
{{with .Page.Notices}}<div class="notice"><ul>{{range .}}<li>{{.}}</li>{{end}}</ul></div>{{end}}
<nav class="toc">{{range .Page.Sections}}<div><a href="#{{.ID}}">{{.Title}}</a></div>{{end}}</nav>
</header>
<main>
{{range .Sections}}<section id="{{.ID}}">
<h2>{{.Title}}</h2>
{{range .Intro}}<p>{{.}}</p>
{{end}}{{range $t := .Tables}}<table>{{with $t.Caption}}<caption>{{.}}</caption>{{end}}<thead><tr>{{range $t.Header}}<th>{{.}}</th>{{end}}</tr></thead><tbody>
{{range $i, $r := $t.Rows}}<tr{{if index $t.Emph $i}} class="em"{{end}}>{{range $r}}<td>{{.}}</td>{{end}}</tr>
{{end}}</tbody></table>
{{end}}{{.Raw}}
{{with .Figures}}<div class="figs">
{{range .}}<figure id="{{.ID}}"{{if .Wide}} class="wide"{{end}}>
<img src="{{.Src}}" data-file="{{.Image}}" alt="{{.Label}}: {{.Title}}" width="{{.W}}" height="{{.H}}">
<figcaption><span class="lab">{{.Label}}</span> {{.Title}}
<dl>{{with .Paper}}<dt>paper</dt><dd>{{.}}</dd>{{end}}{{with .Ours}}<dt>ours</dt><dd>{{.}}</dd>{{end}}{{with .Command}}<dt>command</dt><dd><code>{{.}}</code></dd>{{end}}
<dt>files</dt><dd>{{range $k, $f := .Files}}{{if $k}}, {{end}}<a href="{{$f}}">{{$f}}</a>{{end}}</dd></dl>
{{with .Note}}<p class="small">{{.}}</p>{{end}}</figcaption>
</figure>
{{end}}</div>{{end}}
</section>
{{end}}</main>
<footer><p class="small">{{.Page.Footer}}</p></footer>
</body>
</html>
`))

type htmlFig struct {
	HTMLFigure
	Src   template.URL
	W, H  int
	Files []string
}

type htmlSec struct {
	HTMLSection
	Figures []htmlFig
	Tables  []htmlTable
}

type htmlTable struct {
	HTMLTable
	Emph []bool
}

// pngSize reads the width and height of a PNG from its IHDR chunk.
func pngSize(b []byte) (int, int, error) {
	if len(b) < 24 || string(b[1:4]) != "PNG" || string(b[12:16]) != "IHDR" {
		return 0, 0, fmt.Errorf("not a PNG file")
	}
	be := func(p []byte) int { return int(p[0])<<24 | int(p[1])<<16 | int(p[2])<<8 | int(p[3]) }
	return be(b[16:20]), be(b[20:24]), nil
}

// RenderHTML writes the page to w, reading each figure's PNG from
// baseDir/Image and embedding it. A missing or invalid image is an error
// naming the file.
func RenderHTML(w io.Writer, baseDir string, page HTMLPage) error {
	data := struct {
		Page     HTMLPage
		Sections []htmlSec
		CSS      template.CSS
		Script   template.JS
		CSP      string
	}{Page: page, CSS: template.CSS(htmlCSS), Script: template.JS(imgCheckScript), CSP: htmlCSP}
	for _, s := range page.Sections {
		hs := htmlSec{HTMLSection: s}
		for _, t := range s.Tables {
			e := make([]bool, len(t.Rows))
			copy(e, t.Emphasis)
			hs.Tables = append(hs.Tables, htmlTable{HTMLTable: t, Emph: e})
		}
		for _, f := range s.Figures {
			b, err := os.ReadFile(filepath.Join(baseDir, f.Image))
			if err != nil {
				return fmt.Errorf("report: html: figure %s: %w", f.Label, err)
			}
			wd, ht, err := pngSize(b)
			if err != nil {
				return fmt.Errorf("report: html: figure %s: %s: %w", f.Label, f.Image, err)
			}
			hf := htmlFig{HTMLFigure: f, W: wd, H: ht,
				Src: template.URL("data:image/png;base64," + base64.StdEncoding.EncodeToString(b))}
			hf.Files = append(hf.Files, f.Image)
			if f.SVG != "" {
				hf.Files = append(hf.Files, f.SVG)
			}
			hf.Files = append(hf.Files, f.Data...)
			hs.Figures = append(hs.Figures, hf)
		}
		data.Sections = append(data.Sections, hs)
	}
	return htmlTmpl.Execute(w, data)
}

// WriteHTML renders the page (RenderHTML) and writes it to path
// atomically; images are read relative to path's folder.
func WriteHTML(path string, page HTMLPage) error {
	var buf bytes.Buffer
	if err := RenderHTML(&buf, filepath.Dir(path), page); err != nil {
		return err
	}
	return WriteFileAtomic(path, buf.Bytes())
}

// ShellQuote quotes s for a POSIX shell when it needs quoting.
func ShellQuote(s string) string {
	if s != "" && strings.IndexFunc(s, func(r rune) bool {
		return !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || strings.ContainsRune("-_./=,:+@%", r))
	}) < 0 {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}
