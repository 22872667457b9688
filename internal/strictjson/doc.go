// Package strictjson decodes a JSON document the strict way the
// project's file formats ask for: one value, no unknown object keys, no
// trailing data.
//
// # Layering
//
// strictjson owns that strict decoding. Like every internal package it
// imports nothing of the project and must not, so that any package may
// use it.
package strictjson
