using System.Globalization;
using System.Runtime.InteropServices;

namespace Mtc.Benchmarks;

/// <summary>
/// The same comparison as <see cref="StreamsParsingBenchmark"/>, timed by the process's CPU time instead of the
/// wall clock: on a machine shared with other work, waiting for a core inflates wall-clock times at random, CPU
/// time does not. Batches of the two alternate; the median batch of each is reported. Run with <c>--cpu-time</c>.
/// </summary>
internal static partial class StreamsCpuTimeComparison
{
    private const int Batches = 25;
    private const int OperationsPerBatch = 4;

    public static void Print(TextWriter output)
    {
        foreach (string source in StreamsBenchmarkData.Sources.Keys)
        {
            var benchmark = new StreamsParsingBenchmark { Source = source };
            benchmark.Setup();
            int observations = StreamsBenchmarkData.Get(source).Observations;
            var bare = new List<double>();
            var reader = new List<double>();
            for (int batch = 0; batch < Batches + 3; batch++)
            {
                double t0 = CpuSeconds();
                for (int i = 0; i < OperationsPerBatch; i++)
                {
                    benchmark.BareXmlReader();
                }

                double t1 = CpuSeconds();
                for (int i = 0; i < OperationsPerBatch; i++)
                {
                    benchmark.MtConnectXmlReadStreams();
                }

                double t2 = CpuSeconds();
                if (batch >= 3)
                {
                    bare.Add((t1 - t0) / OperationsPerBatch);
                    reader.Add((t2 - t1) / OperationsPerBatch);
                }
            }

            double bareMedian = Median(bare), readerMedian = Median(reader);
            output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"""
                {source}: {observations:N0} observations, median CPU time per read over {Batches} batches of {OperationsPerBatch}
                  bare XmlReader pass:      {bareMedian * 1000,8:F2} ms  {observations / bareMedian,12:N0} obs/s
                  MtConnectXml.ReadStreams: {readerMedian * 1000,8:F2} ms  {observations / readerMedian,12:N0} obs/s
                  ratio (reader throughput / bare throughput): {bareMedian / readerMedian:F2}
                """));
        }
    }

    private static double Median(List<double> values)
    {
        values.Sort();
        return values[values.Count / 2];
    }

    private static double CpuSeconds()
    {
        if (OperatingSystem.IsLinux() && ClockGetTime(ProcessCpuTimeClock, out var now) == 0)
        {
            return now.Seconds + (now.Nanoseconds / 1e9);
        }

        return System.Diagnostics.Process.GetCurrentProcess().TotalProcessorTime.TotalSeconds;
    }

    private const int ProcessCpuTimeClock = 2; // CLOCK_PROCESS_CPUTIME_ID

    [StructLayout(LayoutKind.Sequential)]
    private struct TimeSpec
    {
        public long Seconds;
        public long Nanoseconds;
    }

    [LibraryImport("libc", EntryPoint = "clock_gettime")]
    private static partial int ClockGetTime(int clock, out TimeSpec time);
}
