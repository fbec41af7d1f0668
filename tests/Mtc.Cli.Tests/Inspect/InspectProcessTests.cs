using System.Diagnostics;
using System.Text.Json;

namespace Mtc.Cli.Tests.Inspect;

public sealed class InspectProcessTests
{
    [Fact]
    public async Task The_built_mtc_executable_inspects_a_file_and_refuses_a_broken_one()
    {
        var file = CorpusFiles.PathOf("json/devices-v1.json");

        var (exit, stdout, _) = await RunMtcAsync("inspect", file);

        Assert.Equal(0, exit);
        using var json = JsonDocument.Parse(stdout);
        Assert.Equal("devices", json.RootElement.GetProperty("kind").GetString());
        Assert.Equal(CorpusFiles.CountJson(file).DataItems, json.RootElement.GetProperty("dataItems").GetInt32());

        var broken = Path.Combine(Path.GetTempPath(), $"mtc-broken-{Guid.NewGuid():N}.json");
        await File.WriteAllTextAsync(broken, "{\"MTConnectStreams\": {\"Header\": ");
        try
        {
            var (brokenExit, brokenOut, brokenErr) = await RunMtcAsync("inspect", broken);
            Assert.Equal(2, brokenExit);
            Assert.Empty(brokenOut);
            Assert.StartsWith($"{broken}:1:", brokenErr.TrimEnd(), StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(broken);
        }
    }

    [Fact]
    public async Task The_built_mtc_executable_reads_a_gzip_compressed_document_from_standard_input()
    {
        var file = CorpusFiles.PathOf("json/streams-v2.json");
        using var zipped = new MemoryStream();
        await using (var gzip = new System.IO.Compression.GZipStream(zipped, System.IO.Compression.CompressionLevel.Fastest, leaveOpen: true))
        {
            await gzip.WriteAsync(await File.ReadAllBytesAsync(file));
        }

        var (exit, stdout, stderr) = await RunMtcAsync(zipped.ToArray(), "inspect", "-");

        Assert.True(exit == 0, stderr);
        using var json = JsonDocument.Parse(stdout);
        Assert.Equal(CorpusFiles.CountJson(file).Observations, json.RootElement.GetProperty("observations").GetInt32());
        Assert.Equal("-", json.RootElement.GetProperty("source").GetString());
    }

    private static Task<(int Exit, string Stdout, string Stderr)> RunMtcAsync(params string[] args) => RunMtcAsync([], args);

    private static async Task<(int Exit, string Stdout, string Stderr)> RunMtcAsync(byte[] stdin, params string[] args)
    {
        var start = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "mtc.dll"));
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        using var process = Process.Start(start)!;
        await process.StandardInput.BaseStream.WriteAsync(stdin);
        process.StandardInput.Close();
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var guard = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        try
        {
            await process.WaitForExitAsync(guard.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw;
        }

        return (process.ExitCode, await stdout, await stderr);
    }
}
