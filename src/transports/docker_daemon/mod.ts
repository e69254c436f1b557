/**
 * The `docker-daemon:` transport: images in a Docker Engine, addressed as
 * `docker-daemon:name:tag`, `docker-daemon:name@digest` or (reading only)
 * `docker-daemon:sha256:<id>`. The engine is found through `DOCKER_HOST` (a Unix socket
 * by default); images travel as `docker save` / `docker load` archives.
 *
 * @example
 * ```ts
 * import { dockerDaemonTransport } from "./mod.ts";
 * const ref = dockerDaemonTransport.parse("alpine:3");
 * console.log(ref.toString()); // "docker-daemon:alpine:3"
 * console.log(ref.dockerReference); // "docker.io/library/alpine:3"
 * ```
 *
 * @module
 */
export {
  DockerDaemonReference,
  type DockerDaemonTarget,
  dockerDaemonTransport,
  parseDockerDaemonTarget,
} from "./reference.ts";
export { openDockerDaemonSource } from "./source.ts";
export { DockerDaemonDestination } from "./destination.ts";
export {
  DEFAULT_DOCKER_HOST,
  DockerEngineClient,
  type DockerEngineEndpoint,
  dockerEngineEndpoint,
} from "./_engine.ts";
