using System.Text;
using System.Xml.Linq;

namespace Mtc.Simulator.Tests;

/// <summary>A deliberately small reader of the parts of a multipart response, to check what the simulator streams.</summary>
internal sealed class PartReader(Stream stream, string boundary)
{
    public async Task<(Dictionary<string, string> Headers, XDocument Document)?> NextAsync(CancellationToken cancellationToken)
    {
        string? line;
        do
        {
            line = await ReadLineAsync(cancellationToken);
            if (line is null)
            {
                return null;
            }
        }
        while (line.Length == 0);

        Assert.Equal("--" + boundary, line);
        var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        while ((line = await ReadLineAsync(cancellationToken)) is { Length: > 0 })
        {
            var colon = line.IndexOf(':');
            headers[line[..colon].Trim()] = line[(colon + 1)..].Trim();
        }

        var length = int.Parse(headers["Content-Length"]);
        var body = new byte[length];
        await stream.ReadExactlyAsync(body, cancellationToken);
        Assert.Equal("", await ReadLineAsync(cancellationToken));
        return (headers, XDocument.Parse(Encoding.UTF8.GetString(body)));
    }

    private async Task<string?> ReadLineAsync(CancellationToken cancellationToken)
    {
        var bytes = new List<byte>();
        var one = new byte[1];
        while (true)
        {
            if (await stream.ReadAsync(one, cancellationToken) == 0)
            {
                return bytes.Count == 0 ? null : Encoding.ASCII.GetString([.. bytes]);
            }

            if (one[0] == '\n')
            {
                return Encoding.ASCII.GetString([.. bytes]).TrimEnd('\r');
            }

            bytes.Add(one[0]);
        }
    }
}
