DROP TABLE "drafts";
