using System.Text;
using Mtc.Core.Shdr;
using Mtc.Core.Tests.Support;

namespace Mtc.Core.Tests.Shdr;

public sealed class ShdrLineAssemblerTests
{
    private static List<string> Assemble(byte[] bytes, IEnumerable<int> chunkSizes, ParserLimits? limits = null)
    {
        using var assembler = new ShdrLineAssembler(limits);
        var lines = new List<string>();
        var pos = 0;
        foreach (var size in chunkSizes)
        {
            if (pos >= bytes.Length)
            {
                break;
            }

            var take = Math.Min(size, bytes.Length - pos);
            assembler.Append(bytes.AsSpan(pos, take), lines);
            pos += take;
        }

        assembler.Append(bytes.AsSpan(pos), lines);
        if (assembler.Complete() is { } last)
        {
            lines.Add(last);
        }

        return lines;
    }

    [Fact]
    public void A_real_sample_split_at_every_byte_boundary_yields_the_same_lines()
    {
        // Multi-byte UTF-8 and \r\n added to the first lines of a real log, so splits fall inside both.
        var sample = string.Join("\r\n", CapturedFiles.Lines("cppagent/demo/agent/okuma.txt.gz").Skip(60).Take(12))
            + "\r\n2022-08-08T13:51:44Z|p1program|Ünïcødé→✓😀\n2022-08-08T13:51:45Z|Xload|1";
        var bytes = Encoding.UTF8.GetBytes(sample);
        var expected = sample.Replace("\r\n", "\n", StringComparison.Ordinal).Split('\n').ToList();
        for (var split = 0; split <= bytes.Length; split++)
        {
            Assert.Equal(expected, Assemble(bytes, [split]));
        }

        Assert.Equal(expected, Assemble(bytes, Enumerable.Repeat(1, bytes.Length)));
    }

    [Fact]
    public void Whole_logs_in_random_chunks_yield_the_same_lines()
    {
        var random = new Random(20220808);
        foreach (var log in new[] { "cppagent/demo/agent/okuma.txt.gz", "mtconnect-agent-node/adapters/simulator2/public/Mazak03.log" })
        {
            var bytes = CapturedFiles.Bytes(log);
            var expected = CapturedFiles.Lines(log);
            var sizes = Enumerable.Range(0, bytes.Length).Select(_ => random.Next(1, 3000));
            Assert.Equal(expected, Assemble(bytes, sizes));
        }
    }

    [Fact]
    public void Assembled_lines_feed_the_reader_like_the_file_does()
    {
        var bytes = CapturedFiles.Bytes("cppagent/demo/agent/okuma.txt.gz");
        var pushed = new ShdrReader();
        var random = new Random(7);
        var count = 0;
        foreach (var line in Assemble(bytes, Enumerable.Range(0, bytes.Length).Select(_ => random.Next(1, 500))))
        {
            if (pushed.Accept(line).Line is not null)
            {
                count++;
            }
        }

        var pulled = new ShdrReader(CapturedFiles.Reader("cppagent/demo/agent/okuma.txt.gz")).ReadAll().Count();
        Assert.Equal(pulled, count);
        Assert.Equal(0, pushed.MalformedLines);
    }

    [Fact]
    public void A_byte_order_mark_and_bad_utf8_do_not_break_lines()
    {
        byte[] bytes = [0xEF, 0xBB, 0xBF, .. "2022-08-08T13:51:45Z|a|1\n2022-08-08T13:51:46Z|b|"u8, 0xFF, 0xC3, .. "\r\n"u8];
        Assert.Equal(["2022-08-08T13:51:45Z|a|1", "2022-08-08T13:51:46Z|b|\uFFFD\uFFFD"], Assemble(bytes, Enumerable.Repeat(1, bytes.Length)));
    }

    [Fact]
    public void A_line_over_the_limit_is_refused_even_before_its_end_arrives()
    {
        using var assembler = new ShdrLineAssembler(new ParserLimits { MaxShdrLineLength = 100 });
        var lines = new List<string>();
        assembler.Append("2022-08-08T13:51:45Z|Xload|1\n"u8, lines);
        var ex = Assert.Throws<MtConnectFormatException>(() =>
        {
            for (var i = 0; i < 20; i++)
            {
                assembler.Append(Encoding.ASCII.GetBytes(new string('x', 10)), lines);
            }
        });
        Assert.Equal(FormatErrorKind.TooLarge, ex.Kind);
        Assert.Equal(2, ex.Line);
        Assert.Single(lines);
    }
}
