import fc from "fast-check";

// CI runs are reproducible (one fixed seed for every property without its own); local runs explore new seeds.
if (process.env.CI) fc.configureGlobal({ seed: 20261125 });
