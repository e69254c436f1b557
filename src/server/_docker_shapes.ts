/**
 * The JSON shapes of the Docker Engine API's image answers, built from the runtime's
 * results: image summaries, inspect data, history rows and removal reports.
 *
 * @module
 */
import type { HistoryRow, ImageData, ImageSummary, RemoveReport } from "../runtime/mod.ts";
import type { ImageRecord } from "../store/mod.ts";
import { familiar, prefixedId } from "./_docker_names.ts";

function seconds(date: Date | undefined): number {
  const time = date?.getTime() ?? 0;
  return Number.isFinite(time) && time > 0 ? Math.floor(time / 1000) : 0;
}

function repoDigestsOf(digests: string[]): string[] {
  return digests.map((entry) => {
    const at = entry.lastIndexOf("@");
    return at < 0 ? entry : `${familiar(entry.slice(0, at))}@${entry.slice(at + 1)}`;
  });
}

/** An entry of `GET /images/json`. */
export function dockerImageSummary(image: ImageSummary): Record<string, unknown> {
  return {
    Id: prefixedId(image.id),
    ParentId: image.parent === "" ? "" : prefixedId(image.parent),
    RepoTags: image.repoTags.map(familiar),
    RepoDigests: repoDigestsOf(image.repoDigests),
    Created: seconds(image.created),
    Size: image.size,
    SharedSize: -1,
    VirtualSize: image.size,
    Labels: image.labels,
    Containers: image.containers,
  };
}

/** The answer of `GET /images/{name}/json`. */
export function dockerInspect(record: ImageRecord, data: ImageData): Record<string, unknown> {
  const out: Record<string, unknown> = {
    Id: prefixedId(record.id),
    RepoTags: data.RepoTags.map(familiar),
    RepoDigests: repoDigestsOf(data.RepoDigests),
    Parent: data.Parent === "" ? "" : prefixedId(data.Parent),
    Comment: data.Comment,
    Created: data.Created,
    DockerVersion: data.Version,
    Author: data.Author,
    Config: data.Config,
    Architecture: data.Architecture,
    Os: data.Os,
    Size: data.Size,
    GraphDriver: { Data: null, Name: "stevedore" },
    RootFS: data.RootFS ?? { Type: "layers" },
    Metadata: { LastTagTime: "0001-01-01T00:00:00Z" },
  };
  if (record.platform?.variant) out.Variant = record.platform.variant;
  return out;
}

/** The answer of `GET /images/{name}/history`. */
export function dockerHistory(rows: HistoryRow[]): Record<string, unknown>[] {
  return rows.map((row) => ({
    Id: row.id === "<missing>" ? row.id : prefixedId(row.id),
    Created: seconds(row.created),
    CreatedBy: row.createdBy,
    Tags: row.tags.length > 0 ? row.tags.map(familiar) : null,
    Size: row.size,
    Comment: row.comment,
  }));
}

/** The `[{"Untagged": ...}, {"Deleted": ...}]` entries of one removal report. */
export function removalReport(report: RemoveReport): Record<string, string>[] {
  const out: Record<string, string>[] = report.untagged.map((name) => ({
    Untagged: familiar(name),
  }));
  if (report.removed) out.push({ Deleted: prefixedId(report.id) });
  return out;
}
