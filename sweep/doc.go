// Package sweep enumerates, shards and merges parameter sweeps: a spec
// (JSON) names an experiment, a grid and/or random design over dotted
// params.json paths (memristor.r_d_ohm, neuron.vdd_V, tft.v_th_V) and the
// experiment's flags (variation, seed, epochs...), and the metrics to
// collect from each run's JSON output.
//
// Points are numbered deterministically (grid axes row-major, the last
// fastest; then the random samples; then the seeds, fastest of all). A
// shard i of n runs the points whose index ≡ i (mod n); each point writes
// only its own folder points/<index>/ and, last, its one-line result
// points/<index>/result.json (atomically), so shards share an output
// folder without ever writing each other's files, and a re-run skips the
// points whose result validates. Merge reads the results back into one
// table. Running an experiment is the caller's business (cmd/mrelu runs
// them in-process); this package does no physics and no plotting.
//
// # Layering
//
// sweep owns the spec, the enumeration of points, shards and the merge. It
// imports report only, for its atomic file writer. It must not import
// experiment, cmd or any physics or network package (device, circuit,
// neuron, crossbar, nn, dataset, vision, params): the caller runs each
// point.
package sweep
