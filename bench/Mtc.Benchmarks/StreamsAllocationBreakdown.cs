using System.Globalization;
using System.Runtime.CompilerServices;
using Mtc.Core.Model;
using Mtc.Core.Xml;

namespace Mtc.Benchmarks;

/// <summary>
/// Splits the bytes <see cref="MtConnectXml.ReadStreams(ReadOnlyMemory{byte}, Mtc.Core.ParserLimits?)"/> allocates
/// per observation into what the returned document keeps (its strings, the <see cref="Observation"/> objects, their
/// details (conditions, data sets), the DataSet and Table entries and cells, the arrays) and what is transient (garbage once the read returns).
/// Run with <c>--allocations</c>.
/// </summary>
internal static class StreamsAllocationBreakdown
{
    public static void Print(TextWriter output)
    {
        foreach (string source in StreamsBenchmarkData.Sources.Keys)
        {
            Measure(source, output);
        }
    }

    // Not inlined: the document of one source must be unreachable before the next is measured.
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void Measure(string source, TextWriter output)
    {
        {
            var (bytes, observations) = StreamsBenchmarkData.Get(source);
            for (int warmup = 0; warmup < 5; warmup++)
            {
                MtConnectXml.ReadStreams(bytes);
            }

            long heapBefore = GC.GetTotalMemory(forceFullCollection: true);
            long before = GC.GetAllocatedBytesForCurrentThread();
            var document = MtConnectXml.ReadStreams(bytes);
            long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
            long retained = GC.GetTotalMemory(forceFullCollection: true) - heapBefore;

            long strings = KeptStringBytes(document);
            long observationObjects = observations * SizeOfObservation();
            double perObservation(long value) => value / (double)observations;
            output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"""
                {source}: {observations:N0} observations, {bytes.Length:N0} bytes of XML
                  allocated per observation:                             {perObservation(allocated),8:N0} B
                  of which strings the document keeps:                   {perObservation(strings),8:N0} B
                  beyond those strings:                                  {perObservation(allocated - strings),8:N0} B
                  of which the Observation objects:                      {perObservation(observationObjects),8:N0} B
                  of which details, entries, cells, arrays it keeps:     {perObservation(retained - strings - observationObjects),8:N0} B
                  transient (garbage once the read returns):            {perObservation(allocated - retained),8:N0} B
                """));
            GC.KeepAlive(document);
        }
    }

    /// <summary>Bytes of the distinct strings the document references (shared strings counted once).</summary>
    private static long KeptStringBytes(StreamsDocument document)
    {
        var seen = new HashSet<string>(ReferenceEqualityComparer.Instance);
        void Add(string? s)
        {
            if (s is not null)
            {
                seen.Add(s);
            }
        }

        foreach (var stream in document.Streams)
        {
            Add(stream.Name);
            Add(stream.Uuid);
            foreach (var o in stream.Observations)
            {
                foreach (var s in (string?[])[o.ElementName, o.DataItemId, o.Name, o.SubType, o.CompositionId, o.Value, o.Type, o.NativeCode,
                    o.NativeSeverity, o.Qualifier, o.ConditionId, o.ResetTriggered, o.ComponentType, o.ComponentId, o.ComponentName])
                {
                    Add(s);
                }

                foreach (var entry in o.Entries ?? [])
                {
                    Add(entry.Key);
                    Add(entry.Value);
                    foreach (var cell in entry.Cells ?? [])
                    {
                        Add(cell.Key);
                        Add(cell.Value);
                    }
                }
            }
        }

        // A string is a 20-byte header and length plus UTF-16 characters and a terminator, rounded to 8 bytes.
        return seen.Sum(s => (22L + (2L * s.Length) + 7) & ~7L);
    }

    private static long SizeOfObservation()
    {
        const int count = 1000;
        var keep = new Observation[count];
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < count; i++)
        {
            keep[i] = new Observation { Category = DataItemCategory.Event, ElementName = "e", DataItemId = "d" };
        }

        long size = (GC.GetAllocatedBytesForCurrentThread() - before) / count;
        GC.KeepAlive(keep);
        return size;
    }
}
