using BenchmarkDotNet.Running;
using Mtc.Benchmarks;

if (args is ["--allocations"])
{
    StreamsAllocationBreakdown.Print(Console.Out);
    return;
}

if (args is ["--cpu-time"])
{
    StreamsCpuTimeComparison.Print(Console.Out);
    return;
}

BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
