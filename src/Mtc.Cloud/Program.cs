// `Mtc.Cloud worker ...` runs the notification worker alone (as `mtc worker` does); anything else is the cloud API.
await (args is ["worker", .. var rest] ? Mtc.Cloud.WorkerApp.Create(rest) : Mtc.Cloud.CloudApp.Create(args)).RunAsync();
