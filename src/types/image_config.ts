/**
 * Image configurations (the config blob of OCI and Docker images).
 *
 * @module
 */

/** How to check that a container is healthy (Docker extension). */
export interface HealthConfig {
  /** The command: `[]` inherit, `["NONE"]` disabled, `["CMD", ...]`, `["CMD-SHELL", cmd]`. */
  Test?: string[] | null;
  /** Time between checks, in nanoseconds. */
  Interval?: number;
  /** Time before a check is considered hung, in nanoseconds. */
  Timeout?: number;
  /** Time to wait before the first check, in nanoseconds. */
  StartPeriod?: number;
  /** Time between checks during the start period, in nanoseconds. */
  StartInterval?: number;
  /** Consecutive failures needed to be unhealthy. */
  Retries?: number;
}

/**
 * The execution parameters of containers started from an image. Docker writes `null` for
 * empty lists and maps.
 */
export interface ContainerConfig {
  /** The user (`name`, `uid`, `uid:gid`, ...). */
  User?: string;
  /** Exposed ports as keys (`"80/tcp"`), values are empty objects. */
  ExposedPorts?: Record<string, Record<string, never>> | null;
  /** Environment, `NAME=value`. */
  Env?: string[] | null;
  /** The entrypoint. */
  Entrypoint?: string[] | null;
  /** The default arguments. */
  Cmd?: string[] | null;
  /** Volumes as keys, values are empty objects. */
  Volumes?: Record<string, Record<string, never>> | null;
  /** The working directory. */
  WorkingDir?: string;
  /** Labels. */
  Labels?: Record<string, string> | null;
  /** The signal that stops the container. */
  StopSignal?: string;
  /** Triggers for images built on this one (Docker extension). */
  OnBuild?: string[] | null;
  /** The health check (Docker extension). */
  Healthcheck?: HealthConfig;
  /** The shell for shell-form commands (Docker extension). */
  Shell?: string[] | null;
  /** The stop timeout in seconds (Docker extension). */
  StopTimeout?: number;
  /** Other fields Docker writes (`Hostname`, `Image`, `ArgsEscaped`, ...). */
  [field: string]: unknown;
}

/** The filesystem of an image: the layers' uncompressed digests, base first. */
export interface RootFs {
  /** Always `"layers"`. */
  type: string;
  /**
   * The digest of each layer's uncompressed tar, base first. Docker leaves it out, and
   * some tools write `null`, for images without layers.
   */
  diff_ids?: string[] | null;
}

/** One step of how an image was built. */
export interface HistoryEntry {
  /** When the step ran (RFC 3339). */
  created?: string;
  /** The command of the step. */
  created_by?: string;
  /** Who ran it. */
  author?: string;
  /** A comment. */
  comment?: string;
  /** Whether the step created no layer. */
  empty_layer?: boolean;
}

/**
 * An image configuration: OCI's fields, plus the Docker-only ones that libimage reads.
 */
export interface ImageConfig {
  /** When the image was created (RFC 3339). */
  created?: string;
  /** Who created it. */
  author?: string;
  /** The CPU architecture. */
  architecture: string;
  /** The operating system. */
  os: string;
  /** The operating system version. */
  "os.version"?: string;
  /** Operating system features. */
  "os.features"?: string[];
  /** The CPU variant. */
  variant?: string;
  /** How containers run by default. */
  config?: ContainerConfig;
  /** The layers. */
  rootfs: RootFs;
  /** How the image was built, oldest first. */
  history?: HistoryEntry[];
  /** A comment (Docker only). */
  comment?: string;
  /** The version of Docker that built the image (Docker only). */
  docker_version?: string;
  /** The ID of the container the image was committed from (Docker only). */
  container?: string;
  /** The configuration of that container (Docker only). */
  container_config?: ContainerConfig;
  /** The ID of the parent image (Docker only). */
  parent?: string;
}
