using Microsoft.Extensions.Options;
using Mtc.Cloud.Hosting;

namespace Mtc.Cloud.Storage;

internal static class StorageSetup
{
    /// <summary>
    /// The store named by <c>--db</c> (configuration key <c>db</c>) or <c>DATABASE_URL</c>, default an SQLite file;
    /// migrations run before the server listens.
    /// </summary>
    public static WebApplicationBuilder AddCloudStorage(this WebApplicationBuilder builder)
    {
        var target = DatabaseTarget.Parse(builder.Configuration["db"] ?? builder.Configuration["DATABASE_URL"]);
        builder.Services.AddSingleton(target);
        builder.Services.AddSingleton(_ => target.Open());
        builder.Services.AddHostedService<MigrateOnStart>();
        builder.Services.AddHostedService<RetentionService>();
        return builder;
    }
}

internal sealed class MigrateOnStart(ICloudStore store, DatabaseTarget target, ILogger<MigrateOnStart> log) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var applied = await store.MigrateAsync(cancellationToken).ConfigureAwait(false);
        Log.Migrated(log, target.ToString(), applied.Count);
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}

/// <summary>Drops old observations and expired idempotency keys once an hour; a failed round is logged and retried.</summary>
internal sealed class RetentionService(ICloudStore store, IOptions<CloudOptions> options, TimeProvider time, ILogger<RetentionService> log)
    : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromHours(1), time);
        do
        {
            try
            {
                var now = time.GetUtcNow();
                var days = options.Value.ObservationRetentionDays;
                var cutoff = days == 0 ? DateTimeOffset.MinValue : now.AddDays(-days);
                var removed = await store.ApplyRetentionAsync(cutoff, now.AddHours(-options.Value.IdempotencyKeyHours), stoppingToken)
                    .ConfigureAwait(false);
                Log.Retention(log, removed);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                Log.RetentionFailed(log, e);
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false));
    }
}
