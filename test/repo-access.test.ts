import { describe, expect, it } from "vitest";
import type { PeoplePolicy } from "../config/people-schema.ts";
import { repoAccess } from "../tool-server/policy/repo-access.ts";

const policy: PeoplePolicy = {
  default: "read",
  grants: [
    { group: "maintainers", repos: ["octo/*"], access: "write" },
    { email: "Guest@Example.com", repos: ["octo/app"], access: "read" },
    { group: "contractors", repos: ["octo/private"], access: "none" },
    { role: "admin", repos: ["octo/ops"], access: "write" },
  ],
  comments_per_hour: 20,
  attribution: true,
};
const person = (groups: string[], email: string | null = null, role: string | null = "user") => ({
  groups,
  email,
  role,
});

describe("a person's access to a repository", () => {
  it("is the highest of the grants that name them and cover it", () => {
    expect(repoAccess(policy, person(["maintainers"]), "octo", "anything")).toBe("write");
    expect(repoAccess(policy, person(["maintainers", "contractors"]), "octo", "private")).toBe("write");
    expect(repoAccess(policy, person([], null, "admin"), "octo", "ops")).toBe("write");
  });

  it("matches emails and repositories without regard to case", () => {
    expect(repoAccess(policy, person([], "guest@example.com"), "Octo", "App")).toBe("read");
  });

  it("is what a covering grant says even below the default, and the default where none covers", () => {
    expect(repoAccess(policy, person(["contractors"]), "octo", "private")).toBe("none");
    expect(repoAccess(policy, person(["contractors"]), "octo", "app")).toBe("read");
    expect(repoAccess({ ...policy, default: "none" }, person([]), "octo", "app")).toBe("none");
  });

  it("is never more than read for an anonymous caller", () => {
    expect(repoAccess({ ...policy, default: "write" }, null, "octo", "app")).toBe("read");
    expect(repoAccess({ ...policy, default: "none" }, null, "octo", "app")).toBe("none");
  });
});
