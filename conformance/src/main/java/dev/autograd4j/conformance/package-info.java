/**
 * The autograd4j conformance suite as a test kit: gradient checks and semantics tests written once
 * against {@link dev.autograd4j.Device} and run on every available device. Annotate one empty test class
 * with {@link dev.autograd4j.conformance.AutogradConformance} to run it all on your backend;
 * {@link dev.autograd4j.conformance.Devices} says which devices, {@link dev.autograd4j.conformance.AllDevices}
 * runs a test once per device and {@link dev.autograd4j.conformance.GradChecks} gradchecks in fast mode.
 */
package dev.autograd4j.conformance;
