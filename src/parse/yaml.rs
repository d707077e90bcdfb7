//! YAML (CloudFormation templates) into a [`super::Node`] tree. Not written yet.
