using System.Diagnostics;

namespace Mtc.Cli.Tests.Deploy;

/// <summary>
/// Runs podman. The image under test is built once per run
/// from this checkout by deploy/build-image.sh, on a Debian base built here with debootstrap (no registry is reachable
/// from the test machines), and cached by tag.
/// </summary>
internal static class Podman
{
    public const string BaseImage = "localhost/debian-base:bookworm";
    public const string Image = "localhost/mtc:test";

    /// <summary>PostgreSQL from deploy/postgres/Containerfile on <see cref="BaseImage"/>, for the compose stack.</summary>
    public const string PostgresImage = "localhost/mtc-postgres:compose";

    private static readonly SemaphoreSlim Once = new(1, 1);
    private static bool _built;

    public static Task<string> Run(params string[] args) => Tool.RunAsync("podman", args, TimeSpan.FromMinutes(3));

    /// <summary>The image of this checkout, built once per test run.</summary>
    public static async Task EnsureImageAsync()
    {
        await Once.WaitAsync();
        try
        {
            if (_built)
            {
                return;
            }
            if (!await ExistsAsync(BaseImage))
            {
                var root = Directory.CreateTempSubdirectory("mtc-debian-base-").FullName;
                try
                {
                    await Tool.RunAsync("debootstrap", ["--variant=minbase", "bookworm", root], TimeSpan.FromMinutes(15));
                    await Tool.RunAsync("bash", ["-c", $"tar -C '{root}' -c . | podman import - {BaseImage}"], TimeSpan.FromMinutes(5));
                }
                finally
                {
                    await Tool.RunAsync("rm", ["-rf", root], TimeSpan.FromMinutes(2), check: false);
                }
            }
            await Tool.RunAsync("bash", ["deploy/build-image.sh", "--tag", Image, "--base", BaseImage, "--engine", "podman"], TimeSpan.FromMinutes(15));
            _built = true;
        }
        finally
        {
            Once.Release();
        }
    }

    /// <summary>
    /// <see cref="PostgresImage"/>, built (once per run; podman's layer cache keeps it between runs) on the base
    /// <see cref="EnsureImageAsync"/> makes.
    /// </summary>
    public static async Task EnsurePostgresImageAsync()
    {
        await EnsureImageAsync();
        await Tool.RunAsync("podman", ["build", "--format", "docker", "-f", "deploy/postgres/Containerfile", "--build-arg", $"BASE={BaseImage}",
            "-t", PostgresImage, "deploy/postgres"], TimeSpan.FromMinutes(10));
    }

    private static async Task<bool> ExistsAsync(string image)
    {
        var psi = new ProcessStartInfo("podman") { ArgumentList = { "image", "exists", image }, RedirectStandardError = true, RedirectStandardOutput = true };
        using var p = Process.Start(psi)!;
        await p.WaitForExitAsync();
        return p.ExitCode == 0;
    }
}
