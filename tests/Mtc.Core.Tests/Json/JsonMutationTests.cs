using Mtc.Core.Json;

namespace Mtc.Core.Tests.Json;

/// <summary>Broken copies of the real documents either read or fail with a typed error; nothing else escapes.</summary>
public sealed class JsonMutationTests
{
    public static TheoryData<string> Files() => JsonTestData.Files();

    [Theory]
    [MemberData(nameof(Files))]
    public void Every_mutation_of_a_document_reads_or_gives_a_typed_error_with_a_position(string file)
    {
        var original = File.ReadAllBytes(JsonTestData.PathOf(file));
        var random = new Random(file.Length * 7919);
        var refused = 0;
        for (var i = 0; i < 300; i++)
        {
            var mutated = Mutate(original, random);
            try
            {
                MtConnectJson.Read(mutated);
            }
            catch (MtConnectFormatException ex)
            {
                refused++;
                Assert.True(ex.Line > 0, $"mutation {i}: no line in '{ex.Message}'");
                Assert.True(ex.Column > 0, $"mutation {i}: no column in '{ex.Message}'");
            }
        }

        Assert.InRange(refused, 1, 300);
    }

    private static byte[] Mutate(byte[] original, Random random)
    {
        var bytes = original.ToList();
        var position = random.Next(bytes.Count);
        switch (random.Next(5))
        {
            case 0: bytes[position] = (byte)random.Next(256); break;
            case 1: bytes.RemoveRange(position, Math.Min(random.Next(1, 20), bytes.Count - position)); break;
            case 2: bytes.InsertRange(position, "{[\"\\:,0x"u8.ToArray().OrderBy(_ => random.Next()).Take(random.Next(1, 4))); break;
            case 3: return original[..position];
            default: bytes[position] = "{}[]\",:0-.eE\\tfn"u8[random.Next(16)]; break;
        }

        return [.. bytes];
    }
}
