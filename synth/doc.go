// Package synth generates a seeded synthetic company for demos, tests and benchmarks.
//
// TODO: full description.
package synth
