// Package params is the one codec of the project's parameter files
// (params.json): the device models (package device) and the 2T-1M neuron
// circuit (package neuron) of one neuron, read from and written to JSON.
//
// Every command's --params reads its file through Load, and every run
// writes its params.json through Save (or in the same form), so the
// params.json of any run (device, neuron, edges, fig4, train, paper, the
// output of `mrelu device fit`) is accepted by every command:
//
//	{
//	  "memristor": {"v_th_V": 1.98, "r_d_ohm": 3e5, ...},
//	  "tft":       {"vth_V": 0.8, ...},
//	  "neuron":    {"vdd_V": 2, "r_load_ohm": 1e6, ...},
//	  "settings":  {"command": "...", "config": {...}}
//	}
//
// Every key is optional; an absent key keeps its default (device.
// DefaultParams, neuron.DefaultParams), so a hand-written
// {"memristor": {"v_th_V": 1.9}} is a complete file.
//
// A measured memristor steady state goes under "memristor" as
// "table": {"i_A": [...], "v_V": [...], "source": "...", "shift_V": 0,
// "default_kinetics": [...]} (device.Table, written by `mrelu device
// tabulate`): at most device.MaxTableRows rows, currents > 0 and strictly
// increasing, voltages > 0 with V/I non-increasing; an error names the
// key and the row. Without "table" the file means what it always did. "settings" is the
// record of the command that wrote the file: it is skipped on reading.
// Unknown keys, at the top level or inside "memristor", "tft" and
// "neuron", are errors naming the key; so are values of the wrong type,
// invalid values (each model's Validate), trailing data and files larger
// than device.MaxParamsBytes.
//
// # Layering
//
// params owns the params.json codec only. It imports device and neuron
// (the models it reads and writes) and the internal helpers atomicfile and
// clip. It must not import crossbar, nn, dataset or vision (it encodes no
// network) nor experiment, report, sweep or cmd, which read their
// parameters through it.
package params
