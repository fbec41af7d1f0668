using Mtc.Core.Shdr;
using Mtc.Core.Tests.Support;

namespace Mtc.Core.Tests.Shdr;

/// <summary>Broken input gives results or typed errors, never another exception and never a hang.</summary>
public sealed class ShdrHostileInputTests
{
    private const string Specials = "|\\\"'{}=:@* \t\r-";

    [Fact]
    public void Mutated_real_lines_never_throw_from_the_non_throwing_path()
    {
        var random = new Random(42);
        var lines = CapturedFiles.Lines("cppagent/demo/agent/okuma.txt.gz").Where(l => l.Length < 400).Take(3000).ToList();
        lines.AddRange([
            "2022-08-08T13:51:34Z|cond|fault|A:B|1|HIGH|m",
            "2022-08-08T13:51:34Z|ds|:MANUAL a='x' b={c=1} d",
            "2022-08-08T13:51:34Z|tbl|r1={c1=1 c2='a b'} r2",
            "2022-08-08T13:51:34Z|ts|3|100|1 2 3",
            "2022-08-08T13:51:34Z|msg|M1|text",
            "2022-08-08T13:51:34Z|@ASSET@|T1|CuttingTool|<x/>",
            "* PONG 1000",
        ]);
        var resolver = new KeyListShdrKeyResolver(new Dictionary<string, ShdrItemKind>
        {
            ["cond"] = ShdrItemKind.Condition, ["ds"] = ShdrItemKind.DataSet, ["tbl"] = ShdrItemKind.Table,
            ["ts"] = ShdrItemKind.TimeSeries, ["msg"] = ShdrItemKind.Message,
        });
        var parser = new ShdrLineParser(resolver);
        var errors = 0;
        for (var round = 0; round < 20_000; round++)
        {
            var chars = lines[random.Next(lines.Count)].ToCharArray().ToList();
            for (var m = random.Next(1, 6); m > 0; m--)
            {
                var at = random.Next(chars.Count + 1);
                switch (random.Next(3))
                {
                    case 0 when chars.Count > 0 && at < chars.Count:
                        chars.RemoveAt(at);
                        break;
                    case 1:
                        chars.Insert(at, Specials[random.Next(Specials.Length)]);
                        break;
                    default:
                        chars.Insert(at, (char)random.Next(0, 0x3000));
                        break;
                }
            }

            var line = new string([.. chars]);
            var result = parser.TryParse(line, round + 1);
            if (result.Error is { } error)
            {
                errors++;
                Assert.Equal(round + 1, error.Line);
                Assert.InRange(error.Column, 0, line.Length + 1);
                Assert.False(string.IsNullOrWhiteSpace(error.Message));
            }
        }

        // The mutations must actually break lines, or this test proves nothing.
        Assert.InRange(errors, 1_000, 19_000);
    }

    [Fact]
    public void Random_bytes_through_the_assembler_and_reader_give_lines_or_typed_errors()
    {
        var random = new Random(7);
        var bytes = new byte[200_000];
        random.NextBytes(bytes);
        using var assembler = new ShdrLineAssembler();
        var reader = new ShdrReader();
        var lines = new List<string>();
        assembler.Append(bytes, lines);
        foreach (var line in lines)
        {
            reader.Accept(line);
        }

        Assert.Equal(lines.Count, reader.LineNumber);
        Assert.True(reader.MalformedLines > 0);
    }
}
